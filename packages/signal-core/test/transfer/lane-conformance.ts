/**
 * Conformance suite every `TransferLane` runs (the memory lane here; node-agent's werift DataChannel
 * and TLS lanes in their own tests). It pins down what the engines rely on: whole frames in order,
 * frames handed over for good, backpressure that still delivers everything, close seen by both
 * sides once, writes after close refused, and a whole transfer over the lane.
 */
import {
  createMemorySink,
  createMemorySource,
  nobleSha256,
  runReceiver,
  runSender,
  type TransferLane,
} from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';

/** Two connected ends of the lane under test, and how to dispose of whatever made them. */
export interface LaneFixture {
  readonly a: TransferLane;
  readonly b: TransferLane;
  dispose(): Promise<void>;
}

/** `n` frames arriving at `lane` (rejects after `timeoutMs`). */
function collect(lane: TransferLane, n: number, timeoutMs = 10_000): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`only ${frames.length} of ${n} frames arrived`));
    }, timeoutMs);
    const off = lane.onFrame((frame) => {
      frames.push(frame);
      if (frames.length < n) return;
      clearTimeout(timer);
      off();
      resolve(frames);
    });
  });
}

/** A frame whose bytes say which it is, so order and content are both checked. */
function frameOf(index: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (index * 31 + i) & 0xff;
  return out;
}

/** Register the conformance tests for one lane implementation. */
export function runTransferLaneConformance(name: string, make: () => Promise<LaneFixture>): void {
  describe(`TransferLane conformance: ${name}`, () => {
    it('has a kind and a usable frame size', async () => {
      const f = await make();
      try {
        expect(['tls', 'datachannel']).toContain(f.a.kind);
        expect(f.a.kind).toBe(f.b.kind);
        expect(f.a.maxFrameBytes).toBeGreaterThanOrEqual(16 * 1024);
      } finally {
        await f.dispose();
      }
    });

    it('delivers whole frames in order, byte-identical, from 1 byte to maxFrameBytes, both ways', async () => {
      const f = await make();
      try {
        const sizes = [1, 2, 100, 1500, f.a.maxFrameBytes - 1, f.a.maxFrameBytes, 7, f.a.maxFrameBytes];
        for (const [from, to] of [
          [f.a, f.b],
          [f.b, f.a],
        ] as const) {
          const arriving = collect(to, sizes.length);
          for (const [i, size] of sizes.entries()) await from.write(frameOf(i, size));
          const got = await arriving;
          expect(got.map((frame) => frame.length)).toEqual(sizes);
          for (const [i, frame] of got.entries())
            expect(Buffer.compare(frame, frameOf(i, sizes[i] as number))).toBe(0);
        }
      } finally {
        await f.dispose();
      }
    });

    it('hands frames over for good: a frame kept by the listener is not overwritten by later ones', async () => {
      const f = await make();
      try {
        const n = 64;
        const arriving = collect(f.b, n);
        for (let i = 0; i < n; i++) await f.a.write(frameOf(i, 4096));
        const got = await arriving;
        for (const [i, frame] of got.entries()) expect(Buffer.compare(frame, frameOf(i, 4096))).toBe(0);
      } finally {
        await f.dispose();
      }
    });

    it('applies backpressure without losing frames (32 MiB written as fast as write allows)', async () => {
      const f = await make();
      try {
        const size = Math.min(f.a.maxFrameBytes, 1024 * 1024);
        const n = Math.ceil((32 * 1024 * 1024) / size);
        let received = 0;
        let inOrder = true;
        const done = new Promise<void>((resolve) => {
          const off = f.b.onFrame((frame) => {
            if (frame[0] !== (received & 0xff)) inOrder = false;
            received += 1;
            if (received === n) {
              off();
              resolve();
            }
          });
        });
        for (let i = 0; i < n; i++) {
          const frame = new Uint8Array(size);
          frame[0] = i & 0xff;
          await f.a.write(frame);
        }
        await done;
        expect(inOrder).toBe(true);
      } finally {
        await f.dispose();
      }
    }, 60_000);

    it('a close is seen once by both sides, and later writes reject with TransportClosedError', async () => {
      const f = await make();
      try {
        const seen = { a: 0, b: 0 };
        f.a.onClose(() => seen.a++);
        const bClosed = new Promise<void>((resolve) =>
          f.b.onClose(() => {
            seen.b++;
            resolve();
          }),
        );
        f.a.close();
        f.a.close();
        await bClosed;
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(seen).toEqual({ a: 1, b: 1 });
        const [fromA, fromB] = await Promise.allSettled([
          f.a.write(new Uint8Array(1)),
          f.b.write(new Uint8Array(1)),
        ]);
        for (const result of [fromA, fromB]) {
          expect(result.status).toBe('rejected');
          if (result.status === 'rejected')
            expect((result.reason as Error).name).toBe('TransportClosedError');
        }
      } finally {
        await f.dispose();
      }
    });

    it('carries a whole transfer (engines on both ends)', async () => {
      const f = await make();
      try {
        const data = frameOf(5, 3 * 1024 * 1024 + 11);
        const sink = createMemorySink();
        const source = createMemorySource([{ path: 'f.bin', data }], { chunkSize: 1024 * 1024 });
        const [sent] = await Promise.all([
          runSender({ lane: f.a, source }),
          runReceiver({ lane: f.b, sink, sha256: nobleSha256, decide: () => true }),
        ]);
        expect(sent.lane).toBe(f.a.kind);
        expect(Buffer.compare(sink.final.get('f.bin') as Uint8Array, data)).toBe(0);
      } finally {
        await f.dispose();
      }
    }, 60_000);
  });
}
