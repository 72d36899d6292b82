import { LanrtcError } from '@lanrtc/signal-core';
import {
  decodeAccept,
  decodeManifest,
  decodeTransferFrame,
  encodeManifest,
  type TransferManifest,
} from '@lanrtc/signal-core/transfer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const SEED = 20261207;
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
const segment = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((s) => s !== '.' && s !== '..' && !/[/\\\p{Cc}]/u.test(s) && !/^[A-Za-z]:/.test(s));

/** Decoding hostile bytes either succeeds or throws one of our typed errors: never a RangeError or a hang. */
function typedOrValue(decode: () => unknown): void {
  let thrown: unknown;
  try {
    decode();
  } catch (error) {
    thrown = error;
  }
  if (thrown !== undefined) expect(thrown).toBeInstanceOf(LanrtcError);
}

describe('transfer codecs (seeded properties)', () => {
  it('any valid manifest round-trips through its bytes', () => {
    const chunkSize = 65536;
    const file = fc.record({
      segments: fc.array(segment, { minLength: 1, maxLength: 4 }),
      size: fc.integer({ min: 0, max: 5 * chunkSize }),
      mode: fc.integer({ min: 0, max: 0o777 }),
      mtimeMs: fc.integer({ min: 0, max: 2 ** 45 }),
      fileHash: hash,
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(file, { maxLength: 6, selector: (f) => f.segments[0] }),
        fc.constantFrom(65536, 1 << 20, 1 << 24),
        (files, size) => {
          const manifest: TransferManifest = {
            chunkSize: size,
            // One top-level name per file, so no path is a directory of another.
            files: files.map((f) => ({
              path: f.segments.join('/'),
              size: f.size,
              mode: f.mode,
              mtimeMs: f.mtimeMs,
              fileHash: f.fileHash,
              chunkHashes: Array.from({ length: Math.ceil(f.size / size) }, (_, i) =>
                new Uint8Array(32).fill(i),
              ),
            })),
          };
          expect(decodeManifest(encodeManifest(manifest))).toEqual(manifest);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('random bytes never crash the frame, manifest or ACCEPT decoders', () => {
    const manifest: TransferManifest = { chunkSize: 65536, files: [] };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        typedOrValue(() => decodeTransferFrame(bytes));
        typedOrValue(() => decodeTransferFrame(new Uint8Array([1, ...bytes])));
        typedOrValue(() => decodeManifest(bytes));
        typedOrValue(() => decodeAccept(bytes, manifest));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('flipping any byte of a valid manifest gives a valid manifest or a typed error', () => {
    const valid = encodeManifest({
      chunkSize: 65536,
      files: [
        {
          path: 'a/b',
          size: 70000,
          mode: 0o644,
          mtimeMs: 5,
          fileHash: new Uint8Array(32),
          chunkHashes: [new Uint8Array(32), new Uint8Array(32)],
        },
        { path: 'c', size: 0, mode: 0o600, mtimeMs: 6, fileHash: new Uint8Array(32), chunkHashes: [] },
      ],
    });
    fc.assert(
      fc.property(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const bytes = valid.slice();
        bytes[at] = (bytes[at] as number) ^ xor;
        typedOrValue(() => decodeManifest(bytes));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
