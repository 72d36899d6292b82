/**
 * werift patch §16 (docs/werift-patches.md): the receiver's cumulative TSN point (RFC 9260 §6.2)
 * advances in O(1) per in-order DATA chunk and in TSN order (serial arithmetic, RFC 9260 §3.3.4 /
 * RFC 1982) past out-of-order ones. Stock werift copied, filtered and `sort()`ed its out-of-order set
 * for every chunk — a default sort, which compares decimal strings, so 10 sorted before 9 and the
 * point stuck whenever the waiting TSNs crossed a power of ten or the 2^32 wrap; the gap blocks of its
 * SACKs came out in the same order. A fresh association object of each build (ESM and CommonJS),
 * fed TSNs directly; the stock code path (the patch's runtime switch) is the control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_NETNS } from '../peer/pair.js';
import { builds, connectPair, type Pair, SACK, type SctpView, speedFixes } from './sctp-pair.js';

interface SackView {
  type: number;
  cumulativeTsn: number;
  gaps: [number, number][];
}

describe.skipIf(!IN_NETNS)('werift patch: markReceived (netns)', () => {
  for (const [name, w] of Object.entries(builds)) {
    let pair: Pair;
    let sent: SackView[];
    /** An association of this build that is not connected: its chunks go to `sent`. */
    const fresh = (last: number): SctpView => {
      const Sctp = pair.txSctp.constructor as new (t: unknown, port?: number) => SctpView;
      const s = new Sctp({ send: async () => {} }, 5000);
      s.sendChunk = async (c) => {
        sent.push(c as unknown as SackView);
      };
      s.lastReceivedTsn = last;
      return s;
    };
    beforeAll(async () => {
      pair = await connectPair(w);
    });
    afterAll(async () => {
      await pair?.close();
    });

    const both = (what: string, run: () => Promise<void> | void) => {
      it(`${name}: ${what}`, async () => {
        sent = [];
        await run();
      });
    };

    both('the point moves past waiting TSNs across a power of ten', () => {
      const s = fresh(8);
      expect(s.markReceived(10)).toBe(false);
      expect(s.markReceived(9)).toBe(false);
      expect(s.lastReceivedTsn).toBe(10);
      expect([...s.sackMisOrdered]).toEqual([]);
    });

    both('the point moves past waiting TSNs across the 2^32 wrap', () => {
      const s = fresh(2 ** 32 - 2);
      s.markReceived(1);
      s.markReceived(0);
      s.markReceived(2 ** 32 - 1);
      expect(s.lastReceivedTsn).toBe(1);
      expect(s.sackMisOrdered.size).toBe(0);
    });

    both('duplicates are reported, in-order chunks are not', () => {
      const s = fresh(100);
      expect(s.markReceived(101)).toBe(false);
      expect(s.markReceived(101)).toBe(true);
      expect(s.markReceived(50)).toBe(true);
      expect(s.markReceived(103)).toBe(false);
      expect(s.markReceived(103)).toBe(true);
      expect(s.lastReceivedTsn).toBe(101);
      expect([...s.sackMisOrdered]).toEqual([103]);
      expect(s.sackDuplicates).toContain(103);
    });

    both('SACK gap blocks are in TSN order across a power of ten', async () => {
      const s = fresh(5);
      for (const tsn of [7, 10, 11]) s.markReceived(tsn);
      s.sackNeeded = true;
      await s.sendSack();
      const sack = sent.find((c) => c.type === SACK);
      expect(sack?.cumulativeTsn).toBe(5);
      // RFC 9260 §3.3.4: offsets from the cumulative TSN, ascending.
      expect(sack?.gaps).toEqual([
        [2, 2],
        [5, 6],
      ]);
    });

    both('20 000 chunks behind one missing TSN cost O(1) each', () => {
      const s = fresh(0);
      const t0 = performance.now();
      for (let tsn = 2; tsn <= 20_001; tsn++) s.markReceived(tsn);
      s.markReceived(1);
      const ms = performance.now() - t0;
      expect(s.lastReceivedTsn).toBe(20_001);
      // Stock copies and sorts the growing set per chunk: O(n² log n), minutes for this.
      expect(ms).toBeLessThan(500);
    });

    it(`${name}: control — the stock path gets the power-of-ten case wrong`, () => {
      speedFixes(false);
      try {
        const s = fresh(8);
        s.markReceived(10);
        s.markReceived(9);
        expect(s.lastReceivedTsn).toBe(8);
      } finally {
        speedFixes(true);
      }
    });
  }
});
