import { ByteWriter, fromHex, toHex } from '@lanrtc/signal-core/codec';
import {
  checkTransferPath,
  decodeManifest,
  encodeManifest,
  MAX_FILES,
  MAX_TOTAL_CHUNKS,
  type ManifestFile,
  type TransferManifest,
} from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import vectors from '../vectors/transfer.json' with { type: 'json' };

const H = new Uint8Array(32).fill(7);

/** Encode without the encoder's validation, as a hostile sender would. */
function rawManifest(
  chunkSize: number,
  files: readonly { path: string; size: number; chunks?: number; mode?: number; mtimeMs?: number }[],
  fileCount = files.length,
): Uint8Array {
  const w = new ByteWriter().varuint(chunkSize).varuint(fileCount);
  for (const file of files) {
    const chunks = file.chunks ?? Math.ceil(file.size / chunkSize);
    w.string(file.path)
      .varuint(file.size)
      .varuint(file.mode ?? 0o644)
      .varuint(file.mtimeMs ?? 0)
      .raw(H);
    w.varuint(chunks).raw(new Uint8Array(chunks * 32).fill(7));
  }
  return w.finish();
}

const one = (path: string) => rawManifest(65536, [{ path, size: 1 }]);

describe('manifest codec', () => {
  it('encodes the golden manifest and decodes it back', () => {
    const v = vectors.manifest;
    const manifest: TransferManifest = {
      chunkSize: v.manifest.chunkSize,
      files: v.manifest.files.map(
        (f): ManifestFile => ({
          ...f,
          chunkHashes: f.chunkHashes.map((h) => fromHex(h) as Uint8Array),
          fileHash: fromHex(f.fileHash) as Uint8Array,
        }),
      ),
    };
    expect(toHex(encodeManifest(manifest))).toBe(v.hex);
    expect(decodeManifest(fromHex(v.hex) as Uint8Array)).toEqual(manifest);
  });

  const unsafe: [string, Uint8Array][] = [
    ['../ escape', one('../etc/passwd')],
    ['.. in the middle', one('a/../../b')],
    ['. segment', one('./a')],
    ['absolute path', one('/etc/passwd')],
    ['backslash', one('a\\..\\b')],
    ['NUL', one('a\u0000b')],
    ['newline', one('a\nb')],
    ['C1 control', one('a\u009bb')],
    ['drive letter', one('C:/Windows/x')],
    ['drive-relative', one('c:x')],
    ['empty path', one('')],
    ['empty segment', one('a//b')],
    ['trailing slash', one('a/')],
    ['segment over 255 bytes', one(`${'é'.repeat(128)}/x`)],
    [
      'duplicate path',
      rawManifest(65536, [
        { path: 'a/b', size: 1 },
        { path: 'a/b', size: 2 },
      ]),
    ],
    [
      'file then a file under it',
      rawManifest(65536, [
        { path: 'a', size: 1 },
        { path: 'a/b', size: 1 },
      ]),
    ],
    [
      'file under a path, then that path as a file',
      rawManifest(65536, [
        { path: 'a/b/c', size: 1 },
        { path: 'a/b', size: 1 },
      ]),
    ],
  ];
  it.each(unsafe)('refuses a manifest with %s: UnsafePathError', (_, bytes) => {
    expect(() => decodeManifest(bytes)).toThrow(expect.objectContaining({ name: 'UnsafePathError' }));
  });

  const invalid: [string, Uint8Array][] = [
    ['a chunk size not a power of two', rawManifest(65537, [])],
    ['a chunk size under 64 KiB', rawManifest(32768, [])],
    ['a chunk size over 16 MiB', rawManifest(32 * 1024 * 1024, [])],
    ['a chunk count over the size', rawManifest(65536, [{ path: 'a', size: 65536, chunks: 2 }])],
    ['a chunk count under the size', rawManifest(65536, [{ path: 'a', size: 65537, chunks: 1 }])],
    ['chunks for an empty file', rawManifest(65536, [{ path: 'a', size: 0, chunks: 1 }])],
    // 2^53-1 bytes would need 2^37 hashes: refused before any is read or allocated.
    ['an absurd size', rawManifest(65536, [{ path: 'a', size: Number.MAX_SAFE_INTEGER, chunks: 0 }])],
    [
      'an absurd size with the matching chunk count',
      new ByteWriter()
        .varuint(65536)
        .varuint(1)
        .string('a')
        .varuint(2 ** 40)
        .varuint(0)
        .varuint(0)
        .raw(H)
        .varuint(2 ** 24)
        .finish(),
    ],
    ['a size over 2^53-1', fromHex(`808004 01 0161 ${'ff'.repeat(7)}7f`.replaceAll(' ', '')) as Uint8Array],
    [
      'more chunks in all than the limit',
      rawManifest(16 * 1024 * 1024, [{ path: 'a', size: MAX_TOTAL_CHUNKS * 16 * 1024 * 1024, chunks: 0 }]),
    ],
    ['more files than the limit', rawManifest(65536, [], MAX_FILES + 1)],
    ['a mode beyond permission bits', rawManifest(65536, [{ path: 'a', size: 0, mode: 0o1777 }])],
    ['fewer files than announced', rawManifest(65536, [{ path: 'a', size: 0 }], 2)],
    ['a truncated hash list', rawManifest(65536, [{ path: 'a', size: 65536 * 3 }]).subarray(0, -1)],
    ['trailing bytes', new Uint8Array([...rawManifest(65536, [{ path: 'a', size: 0 }]), 0])],
    ['invalid UTF-8 in a path', fromHex('80800401 02c328 00000000'.replaceAll(' ', '')) as Uint8Array],
  ];
  it.each(invalid)('refuses a manifest with %s: InvalidManifestError', (_, bytes) => {
    expect(() => decodeManifest(bytes)).toThrow(expect.objectContaining({ name: 'InvalidManifestError' }));
  });

  it('decodes a manifest whose hash list is at its chunk limit without slack, and refuses one chunk more', () => {
    // Many small files add up: the limit is over all files, not per file.
    const files = [
      { path: 'a', size: (MAX_TOTAL_CHUNKS - 1) * 65536 },
      { path: 'b', size: 65536 },
    ];
    const atLimit = rawManifest(65536, files);
    expect(decodeManifest(atLimit).files).toHaveLength(2);
    // The same bytes with a third file of one chunk (the file count is the one byte after the chunk size).
    const c = new ByteWriter()
      .string('c')
      .varuint(1)
      .varuint(0o644)
      .varuint(0)
      .raw(H)
      .varuint(1)
      .raw(H)
      .finish();
    const over = new Uint8Array(atLimit.length + c.length);
    over.set(atLimit);
    over.set(c, atLimit.length);
    over[3] = 3;
    expect(() => decodeManifest(over)).toThrow(expect.objectContaining({ name: 'InvalidManifestError' }));
  });

  it('accepts ordinary names, Unicode and dots inside names', () => {
    for (const path of ['a.txt', 'dir/sub/.hidden', 'фото/été 2026.jpg', '..a', 'a..', '...', 'x/ab:c'])
      expect(() => checkTransferPath(path)).not.toThrow();
  });

  it('refuses to encode an unsafe manifest (InvalidArgumentError)', () => {
    const bad: TransferManifest = {
      chunkSize: 65536,
      files: [{ path: '../x', size: 0, mode: 0o644, mtimeMs: 0, chunkHashes: [], fileHash: H }],
    };
    expect(() => encodeManifest(bad)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }));
  });
});
