/**
 * The Node file source on real files: what the manifest says (paths from each argument's basename,
 * sizes, modes, mtimes, per-chunk and whole-file SHA-256 checked against node:crypto directly),
 * chunks read back by position, a file changed since the manifest refused, and memory flat while a
 * 2 GiB file is hashed and read.
 */
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  renameSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsSource } from '../../src/transfer/fs-source.js';
import { bytes, fileRootOf, sha, tempDir } from './fs-support.js';

const KiB = 1024;
const CHUNK = 64 * KiB;

describe('createFsSource', () => {
  it('describes files and a tree from their basenames, with hashes node:crypto agrees with', async () => {
    const dir = tempDir();
    const big = bytes(3 * CHUNK + 123, 7);
    writeFileSync(join(dir, 'big.bin'), big);
    chmodSync(join(dir, 'big.bin'), 0o640);
    utimesSync(join(dir, 'big.bin'), 1_700_000_000, 1_700_000_000.125);
    mkdirSync(join(dir, 'photos', 'b'), { recursive: true });
    writeFileSync(join(dir, 'photos', 'z.txt'), 'zed');
    writeFileSync(join(dir, 'photos', 'b', 'a.txt'), 'a');
    writeFileSync(join(dir, 'photos', 'empty'), '');
    mkdirSync(join(dir, 'photos', 'nothing-here'));
    // A link inside a tree is not followed: the file outside must not be offered.
    writeFileSync(join(dir, 'secret'), 'outside');
    symlinkSync(join(dir, 'secret'), join(dir, 'photos', 'link'));
    symlinkSync(dir, join(dir, 'photos', 'loop'));

    const source = await createFsSource([join(dir, 'big.bin'), `${join(dir, 'photos')}/`], {
      chunkSize: CHUNK,
    });
    const { manifest } = source;
    expect(manifest.chunkSize).toBe(CHUNK);
    // Each folder's files (sorted) before its subfolders.
    expect(manifest.files.map((f) => f.path)).toEqual([
      'big.bin',
      'photos/empty',
      'photos/z.txt',
      'photos/b/a.txt',
    ]);
    const [first, empty, , a] = manifest.files;
    expect(first?.size).toBe(big.length);
    expect(first?.mode).toBe(0o640);
    expect(first?.mtimeMs).toBe(1_700_000_000_125);
    expect(first?.fileHash).toEqual(fileRootOf(big, CHUNK));
    expect(first?.chunkHashes).toEqual(
      [0, 1, 2, 3].map((i) => sha(big.subarray(i * CHUNK, (i + 1) * CHUNK))),
    );
    expect(a?.chunkHashes).toEqual([sha(new TextEncoder().encode('a'))]);
    expect(empty).toMatchObject({ size: 0, chunkHashes: [] });
    expect(empty?.fileHash).toEqual(fileRootOf(new Uint8Array(), CHUNK));

    expect(await source.readChunk(0, 1)).toEqual(big.subarray(CHUNK, 2 * CHUNK));
    expect(await source.readChunk(0, 3)).toEqual(big.subarray(3 * CHUNK));
    await expect(source.readChunk(0, 4)).rejects.toMatchObject({ name: 'InvalidArgumentError' });
    await expect(source.readChunk(1, 0)).rejects.toMatchObject({ name: 'InvalidArgumentError' });
    await expect(source.readChunk(9, 0)).rejects.toMatchObject({ name: 'InvalidArgumentError' });
    await source.close();
    await expect(source.readChunk(0, 0)).rejects.toMatchObject({ name: 'InvalidArgumentError' });
  });

  it('refuses what it cannot send with typed errors', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x'), 'x');
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'x'), 'y');
    await expect(createFsSource([join(dir, 'missing')])).rejects.toMatchObject({
      name: 'UnreadableSourceError',
    });
    await expect(createFsSource(['/dev/null'])).rejects.toMatchObject({ name: 'UnreadableSourceError' });
    await expect(createFsSource([join(dir, 'x'), join(dir, 'other', 'x')])).rejects.toMatchObject({
      name: 'InvalidArgumentError',
    });
    await expect(createFsSource([])).rejects.toMatchObject({ name: 'InvalidArgumentError' });
    await expect(createFsSource(['/'])).rejects.toMatchObject({ name: 'InvalidArgumentError' });
    for (const chunkSize of [1000, 32 * KiB, 32 * 1024 * KiB, 3 * CHUNK]) {
      await expect(createFsSource([join(dir, 'x')], { chunkSize })).rejects.toMatchObject({
        name: 'InvalidArgumentError',
      });
    }
    // A name the receiver would refuse is refused here, before anything is hashed.
    writeFileSync(join(dir, 'bad\nname'), 'x');
    await expect(createFsSource([join(dir, 'bad\nname')])).rejects.toMatchObject({ name: 'UnsafePathError' });
  });

  it('reads the next chunk into the memory of one given back, with the right bytes', async () => {
    const dir = tempDir();
    const data = bytes(3 * CHUNK, 8);
    writeFileSync(join(dir, 'f'), data);
    const source = await createFsSource([join(dir, 'f')], { chunkSize: CHUNK });
    const first = await source.readChunk(0, 0);
    const second = await source.readChunk(0, 1);
    expect(second.buffer).not.toBe(first.buffer);
    source.release?.(first);
    const third = await source.readChunk(0, 2);
    expect(third.buffer).toBe(first.buffer);
    expect(third).toEqual(data.subarray(2 * CHUNK));
    expect(second).toEqual(data.subarray(CHUNK, 2 * CHUNK));
    await source.close();
  });

  it('refuses to read a file that changed since the manifest (size, mtime, replaced)', async () => {
    const dir = tempDir();
    for (const name of ['grown', 'touched', 'replaced']) writeFileSync(join(dir, name), bytes(2 * CHUNK, 3));
    const source = await createFsSource([join(dir, 'grown'), join(dir, 'touched'), join(dir, 'replaced')], {
      chunkSize: CHUNK,
    });
    // An open handle as the engine would hold it: later changes are still seen.
    expect(await source.readChunk(0, 0)).toEqual(bytes(2 * CHUNK, 3).subarray(0, CHUNK));
    appendFileSync(join(dir, 'grown'), 'more');
    await expect(source.readChunk(0, 1)).rejects.toMatchObject({ name: 'SourceChangedError' });
    utimesSync(join(dir, 'touched'), 1_600_000_000, 1_600_000_000);
    await expect(source.readChunk(1, 0)).rejects.toMatchObject({ name: 'SourceChangedError' });
    writeFileSync(join(dir, 'new'), bytes(2 * CHUNK, 3));
    renameSync(join(dir, 'new'), join(dir, 'replaced'));
    await expect(source.readChunk(2, 0)).rejects.toMatchObject({ name: 'SourceChangedError' });
    await source.close();
  });

  it('offers an unchanged file again from its cached chunk hashes; a rewritten one is hashed again', async () => {
    const dir = tempDir();
    const file = join(dir, 'again.bin');
    const data = bytes(3 * CHUNK, 11);
    writeFileSync(file, data);
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    let digests = 0;
    const chunkDigest = async (chunk: Uint8Array) => {
      digests += 1;
      return sha(chunk);
    };
    const first = await createFsSource([file], { chunkSize: CHUNK, chunkDigest });
    expect(digests).toBe(3);
    const second = await createFsSource([file], { chunkSize: CHUNK, chunkDigest });
    expect(digests).toBe(3);
    expect(second.manifest.files[0]?.fileHash).toEqual(fileRootOf(data, CHUNK));
    expect(await second.readChunk(0, 2)).toEqual(data.subarray(2 * CHUNK));
    // Same inode and size, mtime set back to what it was: the write still moved ctime, so it is hashed again.
    const changed = bytes(3 * CHUNK, 12);
    writeFileSync(file, changed);
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const third = await createFsSource([file], { chunkSize: CHUNK, chunkDigest });
    expect(digests).toBe(6);
    expect(third.manifest.files[0]?.fileHash).toEqual(fileRootOf(changed, CHUNK));
    // Another chunk size is another manifest: hashed, not taken from the cache.
    await createFsSource([file], { chunkSize: 2 * CHUNK, chunkDigest });
    expect(digests).toBe(8);
    await Promise.all([first.close(), second.close(), third.close()]);
  });

  it('hashes and reads a 2 GiB file with flat memory', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const path = join(dir, 'huge.img');
    // Sparse: 2 GiB of zeros read from the page cache, no disk used.
    writeFileSync(path, '');
    truncateSync(path, 2 * 1024 * 1024 * KiB);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      const source = await createFsSource([path]);
      const file = source.manifest.files[0];
      expect(file?.chunkHashes.length).toBe(2048);
      const zeros = sha(new Uint8Array(1024 * KiB));
      expect(file?.chunkHashes.every((h) => Buffer.from(h).equals(zeros))).toBe(true);
      // Every chunk read, as a sender would, none kept.
      for (let c = 0; c < 2048; c++) {
        expect((await source.readChunk(0, c)).length).toBe(1024 * KiB);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      await source.close();
    } finally {
      clearInterval(sample);
    }
    // Holding the file would add 2048 MiB; one chunk buffer and garbage not yet collected stay far below.
    expect(peak - before).toBeLessThan(128 * 1024 * KiB);
  });
});
