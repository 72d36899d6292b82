/**
 * werift patch §17 (docs/werift-patches.md): the sender's per-SACK work. Stock werift walked its whole
 * sent queue (up to a receive window of chunks) on every transmit looking for chunks to retransmit,
 * and every pending `send()` waited for the *whole* outbound queue to empty, re-subscribing to the
 * `flush` event on each transmit — so a channel's bufferedAmount fell only when everything queued
 * had left, all at once. Patched, the walk runs only when a chunk is marked for retransmission and
 * each `send()` resolves when its own last chunk is sent. Two werift peers in one process, ESM and
 * CommonJS builds; the stock code path (the patch's runtime switch) is the control.
 */
import { describe, expect, it } from 'vitest';
import { IN_NETNS } from '../peer/pair.js';
import { builds, connectPair, type Pair, speedFixes, transfer } from './sctp-pair.js';

interface QueueView {
  sentQueue: unknown[];
  outboundQueue: unknown[];
}

/** How often the sender iterates its sent queue during a clean 2 MiB transfer. */
async function sentQueueWalks(pair: Pair): Promise<number> {
  const sctp = pair.txSctp as unknown as QueueView;
  let walks = 0;
  const counted = (queue: unknown[]) => {
    const iterate = queue[Symbol.iterator].bind(queue);
    Object.defineProperty(queue, Symbol.iterator, {
      configurable: true,
      value: () => {
        walks++;
        return iterate();
      },
    });
    return queue;
  };
  let queue = counted(sctp.sentQueue);
  // werift replaces the array when it empties; keep counting on the new one.
  Object.defineProperty(sctp, 'sentQueue', {
    configurable: true,
    get: () => queue,
    set: (v: unknown[]) => {
      queue = counted(v);
    },
  });
  try {
    await transfer(pair, 2 * 1024 * 1024, 65_536);
  } finally {
    Object.defineProperty(sctp, 'sentQueue', { configurable: true, writable: true, value: queue });
  }
  return walks;
}

/** Queue 16 × 64 KiB at once: how many bufferedAmount decrements happen while SCTP still has chunks queued. */
async function earlyDecrements(pair: Pair): Promise<{ early: number; total: number }> {
  const sctp = pair.txSctp as unknown as QueueView;
  const channel = pair.tx as unknown as { addBufferedAmount(n: number): void };
  const add = channel.addBufferedAmount.bind(channel);
  let early = 0;
  let total = 0;
  channel.addBufferedAmount = (n: number) => {
    if (n < 0) {
      total++;
      if (sctp.outboundQueue.length > 0) early++;
    }
    add(n);
  };
  try {
    let got = 0;
    const all = new Promise<void>((r) =>
      pair.rx.onMessage.subscribe((m) => {
        got += (m as Buffer).length;
        if (got >= 16 * 65_536) r();
      }),
    );
    for (let i = 0; i < 16; i++) pair.tx.send(Buffer.alloc(65_536));
    await all;
    while (pair.tx.bufferedAmount > 0) await new Promise((r) => setTimeout(r, 10));
  } finally {
    channel.addBufferedAmount = add;
  }
  return { early, total };
}

describe.skipIf(!IN_NETNS)('werift patch: sender per-SACK work (netns)', () => {
  for (const [name, w] of Object.entries(builds)) {
    it(`${name}: a clean transfer does not walk the sent queue on every transmit`, async () => {
      const pair = await connectPair(w);
      try {
        speedFixes(false);
        const stock = await sentQueueWalks(pair);
        speedFixes(true);
        const patched = await sentQueueWalks(pair);
        expect(stock).toBeGreaterThan(300);
        // Gap blocks (a reordered or lost packet) still walk it, once per such SACK.
        expect(patched).toBeLessThan(20);
      } finally {
        speedFixes(true);
        await pair.close();
      }
    });

    it(`${name}: bufferedAmount falls as each message leaves, not when the queue is empty`, async () => {
      const pair = await connectPair(w);
      try {
        speedFixes(false);
        const stock = await earlyDecrements(pair);
        speedFixes(true);
        const patched = await earlyDecrements(pair);
        expect(stock).toEqual({ early: 0, total: 16 });
        expect(patched.total).toBe(16);
        expect(patched.early).toBeGreaterThanOrEqual(8);
      } finally {
        speedFixes(true);
        await pair.close();
      }
    });
  }
});
