import {
  createMemorySource,
  createProgressMeter,
  RATE_WINDOW_MS,
  startFileTransfer,
  type TransferResult,
} from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import { bytesOf, rejection, settle, transfer } from './support.js';

const CHUNK = 64 * 1024;
const manifest = createMemorySource(
  [
    { path: 'a', data: bytesOf(4 * CHUNK, 1) },
    { path: 'b', data: bytesOf(6 * CHUNK, 2) },
  ],
  { chunkSize: CHUNK },
).manifest;

describe('progress meter', () => {
  it('measures the rate over the recent window and derives the ETA from it', () => {
    let t = 1000;
    const meter = createProgressMeter(manifest, 'tls', () => t);
    meter.held(1, 2 * CHUNK);
    expect(meter.snapshot()).toMatchObject({ doneBytes: 2 * CHUNK, heldBytes: 2 * CHUNK, etaMs: undefined });
    // 1 chunk per second for 4 s.
    for (let i = 0; i < 4; i++) {
      t += 1000;
      meter.moved(0, CHUNK);
    }
    let p = meter.snapshot();
    expect(p.bytesPerSecond).toBe(CHUNK);
    expect(p.etaMs).toBe(4000); // 4 chunks left at 1 chunk/s
    // Then 4 chunks in one second: the 5 s window now spans both speeds: 8 chunks over 5 s.
    t += 1000;
    meter.moved(1, 4 * CHUNK);
    p = meter.snapshot();
    expect(p.bytesPerSecond).toBeCloseTo((8 * CHUNK) / 5, 6);
    expect(p.files).toEqual([
      { path: 'a', size: 4 * CHUNK, doneBytes: 4 * CHUNK, state: 'waiting' },
      { path: 'b', size: 6 * CHUNK, doneBytes: 6 * CHUNK, state: 'waiting' },
    ]);
    expect(p.etaMs).toBe(0);
    expect(p.lane).toBe('tls');
  });

  it('forgets samples older than the window, so a stall shows as a falling rate', () => {
    let t = 0;
    const meter = createProgressMeter(manifest, 'datachannel', () => t);
    for (let i = 0; i < 10; i++) {
      t += 100;
      meter.moved(0, CHUNK / 4);
    }
    const fast = meter.snapshot().bytesPerSecond;
    t += RATE_WINDOW_MS * 2;
    meter.moved(0, 1);
    expect(meter.snapshot().bytesPerSecond).toBeLessThan(fast / 10);
  });
});

describe('the time before the receiver accepts', () => {
  it('restart() leaves it out of the rate', () => {
    let t = 0;
    const meter = createProgressMeter(manifest, 'tls', () => t);
    t = 4_000; // a person deciding
    meter.restart();
    t += 1_000;
    meter.moved(0, CHUNK);
    expect(meter.snapshot().bytesPerSecond).toBe(CHUNK);
  });

  it('is not in either side’s durationMs, nor in the first rate they report', async () => {
    // A clock that only moves when asked to: the decision takes 60 s of it, the transfer none.
    let t = 0;
    const now = () => t;
    const rates: number[] = [];
    const { sent, received } = await transfer({
      files: [{ path: 'x', data: bytesOf(4 * CHUNK, 3) }],
      sender: { now, onProgress: (p) => rates.push(p.bytesPerSecond) },
      receiver: {
        now,
        decide: () => {
          t += 60_000;
          return true;
        },
      },
    });
    expect(sent).toMatchObject({ status: 'fulfilled', value: { durationMs: 0, movedBytes: 4 * CHUNK } });
    expect(received).toMatchObject({ status: 'fulfilled', value: { durationMs: 0 } });
    // No time passed after the acceptance: a rate over the decision would be 4 chunks / 60 s.
    expect(rates.every((r) => r === 0)).toBe(true);
  });
});

describe('startFileTransfer', () => {
  const result: TransferResult = { lane: 'tls', files: [], movedBytes: 0, heldBytes: 0, durationMs: 0 };

  it('forwards progress to listeners and resolves with the run’s result', async () => {
    const seen: number[] = [];
    const transfer = startFileTransfer(async ({ onProgress }) => {
      await Promise.resolve();
      onProgress({
        lane: 'tls',
        totalBytes: 10,
        doneBytes: 5,
        heldBytes: 0,
        bytesPerSecond: 1,
        etaMs: 5,
        files: [],
      });
      return result;
    });
    const off = transfer.onProgress((p) => seen.push(p.doneBytes));
    expect(await transfer.done).toBe(result);
    expect(seen).toEqual([5]);
    off();
  });

  it('cancel() aborts the run’s signal with TransferCancelledError', async () => {
    const transfer = startFileTransfer(
      ({ signal }) =>
        new Promise<TransferResult>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        ),
    );
    transfer.cancel();
    expect(rejection(await settle(transfer.done)).name).toBe('TransferCancelledError');
  });
});
