import {
  createMemoryLanePair,
  createMemorySink,
  createMemorySource,
  nobleSha256,
  runReceiver,
  runSender,
} from '@lanrtc/signal-core/transfer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesOf, sameBytes } from './support.js';

const CHUNK = 64 * 1024;

describe('transfer round trip (seeded property)', () => {
  it('any files, frame size, window and partial holdings arrive byte-identical, moving only what was missing', async () => {
    const file = fc.record({
      size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 * CHUNK + 3 })),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      // Which chunks the receiver already holds from an earlier run (as a bit mask).
      heldMask: fc.integer({ min: 0, max: 63 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(file, { minLength: 0, maxLength: 4 }),
        fc.integer({ min: 2048, max: 80_000 }),
        fc.integer({ min: 1, max: 6 }),
        async (files, maxFrameBytes, windowChunks) => {
          const data = files.map((f, i) => ({ path: `d${i % 2}/f${i}`, data: bytesOf(f.size, f.seed) }));
          const partial = new Map<string, Uint8Array>();
          let heldExpected = 0;
          files.forEach((f, i) => {
            const bytes = (data[i] as { data: Uint8Array }).data;
            const copy = new Uint8Array(bytes.length);
            for (let c = 0; c * CHUNK < bytes.length; c++) {
              if (((f.heldMask >> c) & 1) === 0) continue;
              copy.set(bytes.subarray(c * CHUNK, (c + 1) * CHUNK), c * CHUNK);
              heldExpected += Math.min(CHUNK, bytes.length - c * CHUNK);
            }
            partial.set(`d${i % 2}/f${i}`, copy);
          });
          const [a, b] = createMemoryLanePair({ maxFrameBytes });
          const source = createMemorySource(data, { chunkSize: CHUNK });
          const sink = createMemorySink({ partial });
          const [sent, received] = await Promise.all([
            runSender({ lane: a, source, windowBytes: windowChunks * CHUNK }),
            runReceiver({ lane: b, sink, sha256: nobleSha256, decide: () => true }),
          ]);
          a.close();
          b.close();
          const total = data.reduce((n, f) => n + f.data.length, 0);
          expect(sent.heldBytes).toBe(heldExpected);
          expect(sent.movedBytes).toBe(total - heldExpected);
          expect(received.movedBytes).toBe(total - heldExpected);
          for (const f of data) expect(sameBytes(sink.final.get(f.path), f.data)).toBe(true);
          expect(sink.partial.size).toBe(0);
        },
      ),
      { seed: 20261207, numRuns: 30 },
    );
  });
});
