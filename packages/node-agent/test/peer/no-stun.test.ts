/**
 * Proof that a createNodePeer connection talks to nobody but its peer: every DNS lookup and every
 * UDP datagram during a full werift↔werift connection is recorded. A negative control re-enables
 * werift's STUN fallback on a plain RTCPeerConnection and shows the recorder catches it.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { isIP } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RTCPeerConnection } from 'werift';
import { createDtlsCertificate, createNodePeer } from '../../src/index.js';
import { candidateAddresses, IN_NETNS, negotiate, opened, settle, waitFor } from './pair.js';

interface Recorder {
  lookups: string[];
  datagrams: string[];
  restore(): void;
}

/** Record (and refuse) every name lookup, record every datagram's destination. */
function record(): Recorder {
  const lookups: string[] = [];
  const datagrams: string[] = [];
  const restores: (() => void)[] = [];
  const swap = <T extends object>(target: T, key: keyof T & string, make: (orig: never) => unknown): void => {
    const orig = target[key];
    (target as Record<string, unknown>)[key] = make(orig as never);
    restores.push(() => {
      (target as Record<string, unknown>)[key] = orig;
    });
  };
  const refused = (host: unknown) => {
    lookups.push(String(host));
    return Object.assign(new Error(`lookup of ${String(host)} refused by test`), { code: 'ENOTFOUND' });
  };
  // IP literals (dgram's bind looks up "0.0.0.0") never reach a resolver: let them through.
  swap(dns, 'lookup', (orig: (...a: unknown[]) => unknown) => (host: unknown, ...rest: unknown[]) => {
    if (typeof host === 'string' && isIP(host) !== 0) return orig(host, ...rest);
    const cb = rest.at(-1);
    if (typeof cb === 'function') process.nextTick(() => cb(refused(host)));
  });
  swap(
    dns.promises,
    'lookup',
    (orig: (...a: unknown[]) => unknown) =>
      async (host: unknown, ...rest: unknown[]) => {
        if (typeof host === 'string' && isIP(host) !== 0) return orig(host, ...rest);
        throw refused(host);
      },
  );
  for (const name of ['resolve', 'resolve4', 'resolve6', 'resolveAny'] as const) {
    swap(dns.promises, name, () => async (host: unknown) => Promise.reject(refused(host)));
  }
  const proto = dgram.Socket.prototype as unknown as Record<string, unknown>;
  swap(
    proto,
    'send',
    (orig: (...a: unknown[]) => unknown) =>
      function (this: dgram.Socket, msg: unknown, ...rest: unknown[]) {
        // send(msg, [offset, length,] port[, address][, callback])
        const args = typeof rest[2] === 'number' ? rest.slice(2) : rest;
        datagrams.push(`${typeof args[1] === 'string' ? args[1] : '(default)'}:${String(args[0])}`);
        return orig.call(this, msg, ...rest);
      },
  );
  return {
    lookups,
    datagrams,
    restore: () => {
      for (const r of restores.reverse()) r();
    },
  };
}

describe.skipIf(!IN_NETNS)('no STUN/TURN/mDNS traffic (netns)', () => {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = record();
  });
  afterEach(() => recorder.restore());

  it('a full createNodePeer connection looks up no name and sends only to the two peers', async () => {
    const [certA, certB] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
    // Default gathering (no interfaceAddresses): the configuration most likely to leak.
    const a = createNodePeer({ certificate: certA });
    const b = createNodePeer({ certificate: certB });
    const incoming = waitFor(b.onDataChannel, () => true, 5_000, 'remote DataChannel');
    const channel = await negotiate(a, b);
    await opened(channel);
    const remote = await incoming;
    const got = waitFor(remote.onMessage, () => true, 5_000, 'message');
    channel.send('hello');
    expect(Buffer.from(await got).toString()).toBe('hello');
    await settle(300); // consent freshness / keepalive traffic too

    const allowed = new Set([
      ...candidateAddresses(a.localDescription?.sdp ?? ''),
      ...candidateAddresses(b.localDescription?.sdp ?? ''),
    ]);
    await Promise.all([a.close(), b.close()]);

    expect(allowed.size).toBeGreaterThan(0);
    expect(recorder.lookups).toEqual([]);
    expect(recorder.datagrams.length).toBeGreaterThan(0);
    expect(recorder.datagrams.filter((d) => !allowed.has(d))).toEqual([]);
  });

  it('negative control: the recorder sees werift contact stun.l.google.com when the fallback is on', async () => {
    // What werift 0.24.4 does unpatched: `iceServers: []` still gets stun.l.google.com:19302.
    const pc = new RTCPeerConnection({ iceServers: [] });
    pc.createDataChannel('x');
    for (const t of pc.iceTransports) t.connection.stunServer = ['stun.l.google.com', 19302];
    await pc.setLocalDescription(await pc.createOffer());
    for (let i = 0; i < 50 && recorder.lookups.length === 0; i++) await settle(20);
    await pc.close();
    expect(recorder.lookups).toContain('stun.l.google.com');
  });
});
