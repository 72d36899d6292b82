import { toHex } from '@lanrtc/signal-core/codec';
import { chunkCount, fileHashOf, nobleSha256 } from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import vectors from '../vectors/transfer.json' with { type: 'json' };

const sha = (data: Uint8Array) => {
  const h = nobleSha256();
  h.update(data);
  return h.digest();
};

const pattern = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);

const chunkHashesOf = (data: Uint8Array, chunkSize: number) =>
  Array.from({ length: chunkCount(data.length, chunkSize) }, (_, c) =>
    sha(data.subarray(c * chunkSize, (c + 1) * chunkSize)),
  );

describe('file hash (hash-list root)', () => {
  it.each(vectors.fileHashes)('matches the golden vector: $size bytes in $chunkSize-byte chunks', (v) => {
    const data = pattern(v.size);
    expect(toHex(fileHashOf(nobleSha256, v.size, chunkHashesOf(data, v.chunkSize)))).toBe(v.fileHash);
  });

  it('is the golden manifest’s file hash of its content', () => {
    const v = vectors.manifest;
    const content = new TextEncoder().encode(v.content);
    const file = v.manifest.files[0] as (typeof v.manifest.files)[number];
    expect(toHex(fileHashOf(nobleSha256, content.length, chunkHashesOf(content, v.manifest.chunkSize)))).toBe(
      file.fileHash,
    );
  });

  it('changes with the size, with any chunk hash and with their order', () => {
    // Chunks that differ (the golden pattern repeats every 256 bytes, so its chunks are alike).
    const data = Uint8Array.from({ length: 3 * 65536 }, (_, i) => (i * 7 + (i >> 12)) & 0xff);
    const hashes = chunkHashesOf(data, 65536);
    const base = toHex(fileHashOf(nobleSha256, 3 * 65536, hashes));
    expect(toHex(fileHashOf(nobleSha256, 3 * 65536 - 1, hashes))).not.toBe(base);
    expect(
      toHex(fileHashOf(nobleSha256, 3 * 65536, [hashes[1], hashes[0], hashes[2]] as Uint8Array[])),
    ).not.toBe(base);
    const flipped = hashes.map((h, c) =>
      c === 2 ? Uint8Array.from(h, (b, i) => (i === 31 ? b ^ 1 : b)) : h,
    );
    expect(toHex(fileHashOf(nobleSha256, 3 * 65536, flipped))).not.toBe(base);
    // Not the SHA-256 of the file's bytes (the definition before the hash list).
    expect(base).not.toBe(toHex(sha(data)));
  });
});
