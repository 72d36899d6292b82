/**
 * `startDirectRenegotiation` over an in-memory auth channel with scripted peers: signed offers and
 * answers framed on the channel, the relay path's rules (glare by role, the verified fingerprint, a
 * description held back and delivered late is dropped, a refused one fails only its renegotiation),
 * and frames that are not the peer's, for this connection, refused without ending anything.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { type DirectRenegotiation, startDirectRenegotiation } from '../../src/direct/renegotiation.js';
import { encodeRenegotiationFrame } from '../../src/direct/renegotiation-frame.js';
import { sealEnvelope } from '../../src/envelope/seal.js';
import { type LanrtcError, TransportClosedError } from '../../src/errors.js';
import { createIdentity, publicIdentity } from '../../src/identity/identity.js';
import { fixtureFingerprint } from '../session/fake-peer.js';
import { type NegotiatingPeer, negotiatingPeer } from '../session/negotiating-peer.js';
import { portPair, type Tamper } from './ports.js';

interface End {
  peer: NegotiatingPeer;
  run: DirectRenegotiation;
  errors: LanrtcError[];
  fatal: LanrtcError[];
}

/** A (initiator, impolite) and B (responder, polite) on one auth channel. */
function pair(opts: { bLiesFrom?: number; tamper?: Tamper; timeoutMs?: number } = {}) {
  const [ia, ib] = [createIdentity(), createIdentity()];
  const session = randomBytes(16);
  const ports = portPair(opts.tamper);
  const end = (
    me: typeof ia,
    them: typeof ia,
    role: 'offerer' | 'answerer',
    port: typeof ports.a,
    lieFrom?: number,
  ): End => {
    const peer = negotiatingPeer(role, lieFrom);
    const errors: LanrtcError[] = [];
    const fatal: LanrtcError[] = [];
    const run = startDirectRenegotiation({
      port,
      peer,
      identity: me,
      remote: publicIdentity(them.publicKey),
      session,
      remoteFingerprint: fixtureFingerprint(role === 'offerer' ? 'answer' : 'offer'),
      polite: role === 'answerer',
      timeoutMs: opts.timeoutMs ?? 2_000,
      onError: (e) => errors.push(e),
      onFatal: (e) => fatal.push(e),
    });
    return { peer, run, errors, fatal };
  };
  const a = end(ia, ib, 'offerer', ports.a);
  const b = end(ib, ia, 'answerer', ports.b, opts.bLiesFrom);
  return { a, b, ports, ia, ib, session };
}

describe('startDirectRenegotiation', () => {
  it('carries a signed offer and answer on the auth channel, framed as version 1, type 6', async () => {
    const { a, b, ports } = pair();
    await a.run.renegotiate();
    expect(a.peer.log).toEqual(['local offer', 'remote answer']);
    expect(b.peer.log).toEqual(['remote offer', 'local answer']);
    expect([...ports.a.sent, ...ports.b.sent].map((m) => [m[0], m[1]])).toEqual([
      [1, 6],
      [1, 6],
    ]);
    // The other way round too, with the counters going on.
    await b.run.renegotiate();
    expect(b.peer.state).toBe('stable');
    expect([a.errors, b.errors, a.fatal, b.fatal]).toEqual([[], [], [], []]);
  });

  it('negotiationneeded on both sides at once: the responder yields, both changes land', async () => {
    const { a, b } = pair();
    const done = Promise.all([a.run.renegotiate(), b.run.renegotiate()]);
    await done;
    expect(a.run.dropped).toMatchObject({ RenegotiationGlareIgnored: 1 });
    expect(b.peer.log).toContain('remote offer');
    expect([a.peer.state, b.peer.state]).toEqual(['stable', 'stable']);
    expect([a.fatal, b.fatal]).toEqual([[], []]);
  });

  it('a description with another fingerprint than the verified one ends the connection (FingerprintMismatchError)', async () => {
    const { a, b } = pair({ bLiesFrom: 1 });
    await expect(a.run.renegotiate()).rejects.toMatchObject({ name: 'FingerprintMismatchError' });
    expect(a.fatal.map((e) => e.name)).toEqual(['FingerprintMismatchError']);
    expect(b.fatal).toEqual([]);
  });

  it('an offer held back and delivered after a newer exchange is dropped as stale, never applied', async () => {
    let held: Uint8Array | undefined;
    const { a, b, ports } = pair({
      timeoutMs: 200,
      tamper: (bytes, from) => {
        if (from === 'a' && !held) {
          held = bytes;
          return undefined;
        }
        return bytes;
      },
    });
    await expect(a.run.renegotiate()).rejects.toMatchObject({ name: 'SessionTimeoutError' });
    expect(a.peer.state).toBe('stable'); // rolled back
    await a.run.renegotiate();
    const before = [...b.peer.log];
    ports.b.inject(held as Uint8Array);
    await new Promise((r) => setTimeout(r, 20));
    expect(b.run.dropped).toMatchObject({ StaleRenegotiationIgnored: 1 });
    expect(b.peer.log).toEqual(before);
    expect([a.fatal, b.fatal, b.errors]).toEqual([[], [], []]);
  });

  it('refuses a replayed frame, another connection’s, a stranger’s and an unknown version; nothing ends', async () => {
    const { a, b, ports, ia, ib } = pair();
    await a.run.renegotiate();
    const [firstOffer] = ports.a.sent;
    const seal = (from: typeof ia, session: Uint8Array) =>
      encodeRenegotiationFrame(
        sealEnvelope(from, {
          type: 'offer',
          recipient: ib.id,
          session,
          counter: 9,
          payload: new TextEncoder().encode('v=0'),
        }),
      );
    ports.b.inject(firstOffer as Uint8Array);
    ports.b.inject(seal(ia, randomBytes(16)));
    ports.b.inject(seal(createIdentity(), randomBytes(16)));
    ports.b.inject(new Uint8Array([7, 6, 0]));
    ports.b.inject(new Uint8Array([1, 2, 0])); // a handshake message after authentication
    await new Promise((r) => setTimeout(r, 20));
    expect(b.errors.map((e) => e.name)).toEqual([
      'ReplayedEnvelopeError',
      'UnexpectedSenderError',
      'UnexpectedSenderError',
      'UnsupportedVersionError',
      'MalformedInputError',
    ]);
    expect(b.fatal).toEqual([]);
    // Still working both ways.
    await b.run.renegotiate();
    expect(b.peer.state).toBe('stable');
  });

  it('close() rejects pending and later renegotiations with the reason and stops listening', async () => {
    const { a, ports } = pair();
    const listening = ports.a.listeners();
    const pending = a.run.renegotiate();
    a.run.close(new TransportClosedError('connection ended: closed'));
    await expect(pending).rejects.toMatchObject({ name: 'TransportClosedError' });
    await expect(a.run.renegotiate()).rejects.toMatchObject({ name: 'TransportClosedError' });
    expect(ports.a.listeners()).toBe(listening - 1);
  });
});
