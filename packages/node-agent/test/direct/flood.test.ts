/**
 * A trusted peer gets in while a flooder keeps the listener's peer slots busy: raw STUN checks with
 * the card's public ICE credentials and a fresh ufrag each, from 16 source addresses (one namespace
 * host with many addresses, as a spoofing host would look), and real werift peers from 4 addresses
 * that complete DTLS and then never authenticate. Each flood is bounded (a fixed duration); the
 * trusted peer (paired before) connects a few times during it and must get an echo each time.
 */

import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import type { Card } from '@lanrtc/signal-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectDirect, type DirectListener } from '../../src/index.js';
import { IN_NETNS, settle } from '../peer/pair.js';
import { bindingRequest } from '../werift-patch/stun.js';
import { echo, HOST, owned, pairParties, party, rogueConnector, startListener } from './support.js';

/**
 * Flooder addresses (added to the namespace's eth0) and the trusted peer's own. The raw-STUN flood
 * comes from 8 of them, 4 routes each at most (`maxPendingPerIp`): twice the 16 pending slots. Its
 * size and pace and the number of attempts can be changed to measure (LANRTC_FLOOD_IPS,
 * LANRTC_FLOOD_EVERY_MS, LANRTC_FLOOD_ATTEMPTS); see the listener
 * section of docs/ARCHITECTURE.md for what a flood from more addresses than slots still does.
 */
const STUN_IP_COUNT = Math.min(120, Number(process.env.LANRTC_FLOOD_IPS ?? 8));
const FLOOD_IPS = Array.from({ length: Math.max(16, STUN_IP_COUNT) }, (_, i) => `10.77.0.${101 + i}`);
const STUN_IPS = FLOOD_IPS.slice(0, STUN_IP_COUNT);
const STUN_EVERY_MS = Number(process.env.LANRTC_FLOOD_EVERY_MS ?? 100);
const ROGUE_IPS = FLOOD_IPS.slice(0, 4);
const LEGIT_IP = '10.77.0.50';
const ATTEMPTS = Number(process.env.LANRTC_FLOOD_ATTEMPTS ?? 3);
const SOCKETS_PER_IP = 8;
/** A rogue holds its slot this long: the listener's default deadline to authenticate, plus a margin. */
const HOLD_MS = 5_300;
const { own, closeAll } = owned();
afterEach(closeAll);

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'ignore' });
}

/**
 * Raw STUN: every `everyMs`, one authenticated controlling check with a fresh ufrag from each
 * address, each time from the next of `SOCKETS_PER_IP` ports (a new route needs a source address no
 * connection owns yet).
 */
async function stunFlood(listener: DirectListener, everyMs: number) {
  const { ufrag, pwd } = listener.ice;
  const sockets = await Promise.all(
    STUN_IPS.map((address) =>
      Promise.all(
        Array.from({ length: SOCKETS_PER_IP }, async () => {
          const s = dgram.createSocket('udp4');
          await new Promise<void>((r) => s.bind(0, address, r));
          return s;
        }),
      ),
    ),
  );
  let n = 0;
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    for (const perIp of sockets) {
      const s = perIp[tick % perIp.length] as dgram.Socket;
      const { bytes } = bindingRequest({
        username: `${ufrag}:f${n++}`,
        integrityKey: pwd,
        controlling: true,
      });
      s.send(bytes, listener.port, HOST);
    }
  }, everyMs);
  let closing: Promise<unknown> | undefined;
  return {
    sent: () => n,
    close() {
      clearInterval(timer);
      closing ??= Promise.all(sockets.flat().map((s) => new Promise<void>((r) => s.close(() => r()))));
      return closing;
    },
  };
}

/**
 * Real werift peers, `perIp` from each of ROGUE_IPS: each connects (ICE, DTLS, SCTP), never
 * authenticates, and reconnects once the listener's deadline has dropped it (or it was refused).
 */
function rogueFlood(card: Card, perIp: number) {
  let stopped = false;
  let connected = 0;
  const loops = ROGUE_IPS.flatMap((address) =>
    Array.from({ length: perIp }, async () => {
      const certificate = (await party()).certificate;
      while (!stopped) {
        const rogue = await rogueConnector(card, certificate, 3_000, address).catch(() => undefined);
        if (!rogue) continue;
        connected++;
        const t0 = Date.now();
        while (!stopped && rogue.pc.connectionState === 'connected' && Date.now() - t0 < HOLD_MS)
          await settle(50);
        await rogue.pc.close();
      }
    }),
  );
  let closing: Promise<unknown> | undefined;
  return {
    connected: () => connected,
    close() {
      stopped = true;
      closing ??= Promise.all(loops);
      return closing;
    },
  };
}

/** Resolves once the flood holds all 16 pending slots (the default `maxPendingPeers`). */
async function full(listener: DirectListener): Promise<void> {
  const t0 = Date.now();
  while (listener.stats.peers < 16) {
    if (Date.now() - t0 > 8_000) throw new Error(`flood holds only ${listener.stats.peers} slots`);
    await settle(50);
  }
}

/** `ATTEMPTS` connections of the trusted peer one after another; each must echo. Returns ms per attempt. */
async function trustedAttempts(listener: DirectListener, client: Awaited<ReturnType<typeof party>>) {
  const results: { ok: boolean; ms: number }[] = [];
  for (let i = 0; i < ATTEMPTS; i++) {
    const t0 = Date.now();
    const ok = await connectDirect(listener.card(), { ...client, peer: { interfaceAddresses: [LEGIT_IP] } })
      .then(async (conn) => {
        const reply = await echo(conn).catch(() => undefined);
        await conn.close();
        return reply === 'ping';
      })
      .catch(() => false);
    results.push({ ok, ms: Date.now() - t0 });
  }
  return results;
}

describe.skipIf(!IN_NETNS)('direct listener under a slot flood (netns)', () => {
  beforeAll(() => {
    for (const a of [...FLOOD_IPS, LEGIT_IP]) ip('addr', 'add', `${a}/24`, 'dev', 'eth0');
  });
  afterAll(() => {
    for (const a of [...FLOOD_IPS, LEGIT_IP]) ip('addr', 'del', `${a}/24`, 'dev', 'eth0');
  });

  it('a trusted peer connects while raw STUN from 8 addresses keeps every slot taken', async () => {
    const device = await party();
    const client = await party();
    await pairParties(device, client);
    const { listener } = await startListener(device);
    own(listener);
    const flood = own(await stunFlood(listener, STUN_EVERY_MS));
    await full(listener);
    const results = await trustedAttempts(listener, client);
    const stats = listener.stats;
    await flood.close();
    console.log(
      'stun flood',
      JSON.stringify({ ips: STUN_IPS.length, everyMs: STUN_EVERY_MS, results, sent: flood.sent(), stats }),
    );
    expect(results.map((r) => r.ok)).toEqual(Array(ATTEMPTS).fill(true));
  }, 90_000);

  it('a trusted peer connects while werift peers from 4 addresses complete DTLS and never authenticate', async () => {
    const device = await party();
    const client = await party();
    await pairParties(device, client);
    const { listener } = await startListener(device);
    own(listener);
    const flood = own(rogueFlood(listener.card(), 4));
    await full(listener);
    const results = await trustedAttempts(listener, client);
    const stats = listener.stats;
    await flood.close();
    console.log('rogue flood', JSON.stringify({ results, rogues: flood.connected(), stats }));
    expect(results.map((r) => r.ok)).toEqual(Array(ATTEMPTS).fill(true));
  }, 90_000);
});
