/**
 * `createFileSource` over `File`s (Node's `File` is the web's, so this runs in vitest): the manifest's
 * sizes, chunk hashes and file hashes (over the chunk list) against node:crypto, chunks read back byte for byte, paths made
 * unique, and what it refuses.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFileSource } from '../../src/transfer/file-source.js';
import { fileHashFor, nodeSha256, sha256Of } from './node-sha256.js';

const KIB64 = 64 * 1024;
/** Random bytes in a plain Uint8Array (a Buffer's `slice` would share memory). */
const randomBytes = (n: number) => new Uint8Array(nodeRandomBytes(n));
/** Hex, so a mismatch prints a short diff rather than every byte. */
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('createFileSource', () => {
  it('hashes every chunk and the file (its chunk list), and reads chunks back exactly', async () => {
    const big = randomBytes(KIB64 * 2 + 1000);
    const one = new Uint8Array([7]);
    const files = [
      new File([big], 'big.bin', { lastModified: 1_700_000_000_123 }),
      new File([], 'empty.txt'),
      new File([one], 'one.txt'),
    ];
    const seen: number[] = [];
    const source = await createFileSource(files, {
      sha256: nodeSha256,
      chunkSize: KIB64,
      onHashProgress: (hashed) => seen.push(hashed),
    });
    const [b, e, o] = source.manifest.files;
    expect(source.manifest.chunkSize).toBe(KIB64);
    expect(b?.path).toBe('big.bin');
    expect(b?.size).toBe(big.length);
    expect(b?.mtimeMs).toBe(1_700_000_000_123);
    expect(b?.chunkHashes.map(hex)).toEqual([
      hex(sha256Of(big.subarray(0, KIB64))),
      hex(sha256Of(big.subarray(KIB64, 2 * KIB64))),
      hex(sha256Of(big.subarray(2 * KIB64))),
    ]);
    expect(hex(b?.fileHash ?? new Uint8Array())).toBe(hex(fileHashFor(big.length, b?.chunkHashes ?? [])));
    expect(e?.chunkHashes).toEqual([]);
    expect(e?.fileHash).toEqual(fileHashFor(0, []));
    expect(o?.chunkHashes).toEqual([sha256Of(one)]);
    expect(seen.at(-1)).toBe(big.length + 1);
    expect(hex(await source.readChunk(0, 2))).toBe(hex(big.subarray(2 * KIB64)));
    expect(hex(await source.readChunk(0, 1))).toBe(hex(big.subarray(KIB64, 2 * KIB64)));
    expect(hex(await source.readChunk(2, 0))).toBe(hex(one));
    await expect(source.readChunk(0, 3)).rejects.toThrow(RangeError);
    await expect(source.readChunk(1, 0)).rejects.toThrow(RangeError);
    await expect(source.readChunk(3, 0)).rejects.toThrow(RangeError);
  });

  it('offers a folder drop under its relative paths and renames a repeated path', async () => {
    const inFolder = new File(['x'], 'a.txt');
    Object.defineProperty(inFolder, 'webkitRelativePath', { value: 'photos/a.txt' });
    const files = [
      new File(['1'], 'a.txt'),
      new File(['2'], 'a.txt'),
      inFolder,
      new File(['3'], '.env'),
      new File(['4'], '.env'),
    ];
    const source = await createFileSource(files, { sha256: nodeSha256, chunkSize: KIB64 });
    expect(source.manifest.files.map((f) => f.path)).toEqual([
      'a.txt',
      'a (1).txt',
      'photos/a.txt',
      '.env',
      '.env (1)',
    ]);
  });

  it('offers a file found in a dropped folder under the path given with it', async () => {
    const source = await createFileSource(
      [{ file: new File(['x'], 'a.jpg'), path: 'trip/day 1/a.jpg' }, new File(['y'], 'a.jpg')],
      { sha256: nodeSha256, chunkSize: KIB64 },
    );
    expect(source.manifest.files.map((f) => f.path)).toEqual(['trip/day 1/a.jpg', 'a.jpg']);
    expect(hex(await source.readChunk(0, 0))).toBe(hex(new TextEncoder().encode('x')));
  });

  it('stops hashing when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    await expect(
      createFileSource([new File([randomBytes(10)], 'f')], { sha256: nodeSha256, signal: controller.signal }),
    ).rejects.toThrow('user cancelled');
  });
});
