/**
 * `nodeChunkDigest` hashes bytes in a SharedArrayBuffer on its worker and other bytes here; each
 * answer is the SHA-256 of its own chunk, also when many are in flight at once.
 */
import { describe, expect, it } from 'vitest';
import { nodeChunkDigest, sharedBuffer } from '../../src/transfer/node-chunk-digest.js';
import { bytes, sha } from './fs-support.js';

describe('nodeChunkDigest', () => {
  it('gives each chunk its own SHA-256, shared or not, many in flight', async () => {
    const chunks = Array.from({ length: 24 }, (_, i) => {
      const data = bytes(4096 + i * 977, i + 1);
      if (i % 3 === 2) return data;
      // Views at an offset into a larger shared buffer, as a chunk behind its frame header is.
      const shared = sharedBuffer(data.length + 9);
      shared.set(data, 9);
      return shared.subarray(9);
    });
    const digests = await Promise.all(chunks.map((chunk) => nodeChunkDigest(chunk)));
    expect(digests).toEqual(chunks.map((chunk) => sha(chunk)));
  });
});
