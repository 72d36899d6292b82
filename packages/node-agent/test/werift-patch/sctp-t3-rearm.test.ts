/**
 * werift patch §15 (docs/werift-patches.md): the T3-rtx timer (RFC 9260 §6.3.2) is restarted by
 * moving its deadline, and re-armed only when it fires early. Stock werift cleared and set a Node
 * timer on every SACK that acknowledged new data. Two werift peers in one process, ESM and CommonJS
 * builds; the stock code path (the patch's runtime switch) is the control. The timer must still
 * retransmit a lost chunk one RTO after it was sent.
 */
import { describe, expect, it } from 'vitest';
import { IN_NETNS } from '../peer/pair.js';
import { builds, connectPair, DATA, type Pair, speedFixes, transfer } from './sctp-pair.js';

/** Node timers armed for the sender's T3-rtx during a 2 MiB transfer. */
async function t3Arms(pair: Pair): Promise<number> {
  let arms = 0;
  const real = globalThis.setTimeout;
  const counting = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
    if (fn === pair.txSctp.timer3Expired) arms++;
    return real(fn, ms, ...rest);
  }) as typeof setTimeout;
  globalThis.setTimeout = counting;
  try {
    await transfer(pair, 2 * 1024 * 1024, 65_536);
  } finally {
    globalThis.setTimeout = real;
  }
  return arms;
}

describe.skipIf(!IN_NETNS)('werift patch: T3-rtx re-arm (netns)', () => {
  for (const [name, w] of Object.entries(builds)) {
    it(`${name}: a bulk transfer arms the T3 timer a few times, not once per SACK`, async () => {
      const pair = await connectPair(w);
      try {
        speedFixes(false);
        const stock = await t3Arms(pair);
        speedFixes(true);
        const patched = await t3Arms(pair);
        expect(stock).toBeGreaterThan(300);
        expect(patched).toBeLessThan(20);
      } finally {
        speedFixes(true);
        await pair.close();
      }
    });

    it(`${name}: a lost DATA chunk is still retransmitted when T3 expires`, async () => {
      const pair = await connectPair(w);
      try {
        // RTT samples bring the RTO down from its initial 3 s to the 1 s minimum (RFC 9260 §6.3.1).
        await transfer(pair, 256 * 1024, 16_384);
        expect(pair.txSctp.rto).toBe(1);
        const handle = pair.rxSctp.handleData.bind(pair.rxSctp);
        let dropped = 0;
        pair.rxSctp.handleData = (packet: Buffer) => {
          // Common header (12 bytes), then the first chunk's type (RFC 9260 §3).
          if (packet[12] === DATA && dropped === 0) {
            dropped++;
            return Promise.resolve();
          }
          return handle(packet);
        };
        const t0 = performance.now();
        const arrived = new Promise<number>((r) => pair.rx.onMessage.once(() => r(performance.now() - t0)));
        pair.tx.send(Buffer.alloc(100));
        const ms = await arrived;
        expect(dropped).toBe(1);
        // Nothing follows the lost chunk, so only T3 recovers it: one RTO (1 s) after sending.
        expect(ms).toBeGreaterThan(900);
        expect(ms).toBeLessThan(2_000);
      } finally {
        await pair.close();
      }
    });
  }
});
