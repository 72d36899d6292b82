/**
 * The Node file sink on real files: a tree arrives byte-identical with mode and mtime and no
 * temporary file left; a cut-short transfer resumes from the chunks on disk that still hash right
 * (a flipped byte is fetched again); identical files are held, different ones kept beside under
 * `NAME (1).ext`; hostile paths, links in the target and a lying manifest are refused with typed
 * errors and nothing is written outside the target or under a final name.
 */
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statfsSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { TransferManifest } from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import { createFsSink } from '../../src/transfer/fs-sink.js';
import { createFsSource } from '../../src/transfer/fs-source.js';
import { bytes, copyChunks, expectSameBytes, fileRootOf, flipByte, sha, tempDir } from './fs-support.js';

const KiB = 1024;
const CHUNK = 64 * KiB;

/** Every entry under `dir`, relative, sorted (what is on disk, temporary files included). */
function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

function sourceTree(): string {
  const from = tempDir();
  mkdirSync(join(from, 'docs', 'deep'), { recursive: true });
  writeFileSync(join(from, 'docs', 'big.bin'), bytes(5 * CHUNK + 17, 11), { mode: 0o640 });
  writeFileSync(join(from, 'docs', 'deep', 'note.txt'), 'note');
  writeFileSync(join(from, 'docs', 'run.sh'), '#!/bin/sh\n', { mode: 0o777 });
  writeFileSync(join(from, 'docs', 'empty'), '');
  utimesSync(join(from, 'docs', 'big.bin'), 1_650_000_000, 1_650_000_000.5);
  return join(from, 'docs');
}

describe('createFsSink', () => {
  it('receives a tree byte-identical with mode and mtime, and leaves no temporary file', async () => {
    const from = sourceTree();
    const to = join(tempDir(), 'inbox', 'new');
    const source = await createFsSource([from], { chunkSize: CHUNK });
    const sink = createFsSink({ dir: to });
    const holdings = await sink.prepare(source.manifest);
    expect(holdings.map((h) => h.state)).toEqual(['none', 'none', 'none', 'none']);
    // Nothing is created before the first write: a declined offer leaves no folder behind.
    expect(existsSync(to)).toBe(false);
    const { finalPaths } = await copyChunks(source, sink, holdings);
    await sink.close();
    await source.close();
    expect(finalPaths).toEqual(source.manifest.files.map((f) => join(to, f.path)));
    expect(tree(to)).toEqual([
      'docs',
      'docs/big.bin',
      'docs/deep',
      'docs/deep/note.txt',
      'docs/empty',
      'docs/run.sh',
    ]);
    for (const f of source.manifest.files) {
      expectSameBytes(readFileSync(join(to, f.path)), readFileSync(join(from, '..', f.path)));
    }
    expect(statSync(join(to, 'docs/big.bin')).mode & 0o777).toBe(0o640);
    // Group and others never get write access from the sender's mode.
    expect(statSync(join(to, 'docs/run.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(to, 'docs/big.bin')).mtimeMs).toBe(1_650_000_000_500);
  });

  it('resumes from the verified chunks on disk and fetches a flipped one again', async () => {
    const from = sourceTree();
    const to = tempDir();
    const source = await createFsSource([from], { chunkSize: CHUNK });
    const big = source.manifest.files.findIndex((f) => f.path === 'docs/big.bin');
    const first = createFsSink({ dir: to });
    // Chunks 0, 1, 2 and 4 of big.bin arrive, then the receiver stops.
    const cut = await copyChunks(
      source,
      first,
      await first.prepare(source.manifest),
      (f, c) => f !== big || (c !== 3 && c !== 5),
    );
    await first.close();
    expect(cut.finalPaths[big]).toBeUndefined();
    expect(existsSync(join(to, 'docs/big.bin'))).toBe(false);
    const part = join(to, 'docs', '.big.bin.lanrtc-part');
    expect(existsSync(part)).toBe(true);

    // A byte of chunk 1 rots on disk before the second attempt.
    flipByte(part, CHUNK + 1000);

    const again = createFsSink({ dir: to });
    const holdings = await again.prepare(source.manifest);
    expect(holdings[big]?.state).toBe('partial');
    expect([...(holdings[big]?.verifiedChunks ?? [])].sort()).toEqual([0, 2, 4]);
    // The other files arrived whole the first time: held, nothing to send.
    expect(holdings.filter((_h, i) => i !== big).map((h) => h.state)).toEqual([
      'complete',
      'complete',
      'complete',
    ]);
    const rest = await copyChunks(source, again, holdings);
    await again.close();
    // Chunk 1 (rotted), 3 and the 17-byte chunk 5 move again; 0, 2 and 4 do not.
    expect(rest.written).toBe(2 * CHUNK + 17);
    expectSameBytes(readFileSync(join(to, 'docs/big.bin')), Buffer.from(bytes(5 * CHUNK + 17, 11)));
    expect(existsSync(part)).toBe(false);
    await source.close();
  });

  it('holds an identical file and puts a different one beside it as NAME (n).ext', async () => {
    const from = tempDir();
    writeFileSync(join(from, 'same.txt'), 'same');
    writeFileSync(join(from, 'a.txt'), 'new a');
    writeFileSync(join(from, 'a (1).txt'), 'offered a (1)');
    writeFileSync(join(from, '.hidden'), 'new hidden');
    const to = tempDir();
    writeFileSync(join(to, 'same.txt'), 'same');
    writeFileSync(join(to, 'a.txt'), 'old a');
    writeFileSync(join(to, '.hidden'), 'old hidden');
    const names = ['same.txt', 'a.txt', 'a (1).txt', '.hidden'];
    const source = await createFsSource(
      names.map((n) => join(from, n)),
      { chunkSize: CHUNK },
    );
    const sink = createFsSink({ dir: to });
    const holdings = await sink.prepare(source.manifest);
    expect(holdings.map((h) => h.state)).toEqual(['complete', 'none', 'none', 'none']);
    const { finalPaths, written } = await copyChunks(source, sink, holdings);
    await sink.close();
    expect(written).toBe('new a'.length + 'offered a (1)'.length + 'new hidden'.length);
    // `a (1).txt` is the offer's own: the different a.txt skips to (2).
    expect(finalPaths).toEqual(['same.txt', 'a (2).txt', 'a (1).txt', '.hidden (1)'].map((n) => join(to, n)));
    expect(readFileSync(join(to, 'a.txt'), 'utf8')).toBe('old a');
    expect(readFileSync(join(to, 'a (2).txt'), 'utf8')).toBe('new a');
    expect(readFileSync(join(to, '.hidden'), 'utf8')).toBe('old hidden');

    // Sent again: every file is now somewhere under one of its names, all held.
    const twice = createFsSink({ dir: to });
    expect((await twice.prepare(source.manifest)).map((h) => h.state)).toEqual([
      'complete',
      'complete',
      'complete',
      'complete',
    ]);
    await twice.close();
    await source.close();
  });

  it('removes the temporary name a crash left beside its placed file, and keeps another file\u2019s', async () => {
    const from = tempDir();
    writeFileSync(join(from, 'done.bin'), bytes(3 * CHUNK, 21));
    writeFileSync(join(from, 'other.bin'), bytes(CHUNK, 22));
    const source = await createFsSource([join(from, 'done.bin'), join(from, 'other.bin')], {
      chunkSize: CHUNK,
    });
    const to = tempDir();
    // done.bin as a crash between link and unlink leaves it: two names, one file.
    writeFileSync(join(to, 'done.bin'), bytes(3 * CHUNK, 21));
    linkSync(join(to, 'done.bin'), join(to, '.done.bin.lanrtc-part'));
    // other.bin complete, and a partial of some other offer under its temporary name.
    writeFileSync(join(to, 'other.bin'), bytes(CHUNK, 22));
    writeFileSync(join(to, '.other.bin.lanrtc-part'), bytes(CHUNK, 23));
    const sink = createFsSink({ dir: to });
    expect((await sink.prepare(source.manifest)).map((h) => h.state)).toEqual(['complete', 'complete']);
    await sink.close();
    await source.close();
    expect(tree(to)).toEqual(['.other.bin.lanrtc-part', 'done.bin', 'other.bin']);
    expectSameBytes(readFileSync(join(to, 'done.bin')), bytes(3 * CHUNK, 21));
  });

  it('refuses unsafe paths, links in the target and name clashes, writing nothing outside', async () => {
    const outside = tempDir();
    const to = tempDir();
    mkdirSync(join(to, 'real'));
    symlinkSync(outside, join(to, 'escape'));
    writeFileSync(join(to, 'plain'), 'a file, not a folder');
    symlinkSync(join(outside, 'target'), join(to, 'real', '.x.lanrtc-part'));
    const one = (path: string): TransferManifest => ({
      chunkSize: CHUNK,
      files: [
        {
          path,
          size: 1,
          mode: 0o644,
          mtimeMs: 0,
          chunkHashes: [sha(new Uint8Array(1))],
          fileHash: fileRootOf(new Uint8Array(1), CHUNK),
        },
      ],
    });
    for (const path of [
      '../up',
      '/etc/passwd',
      'a//b',
      'a/./b',
      'a/../b',
      'a\\b',
      'tab\there',
      'C:/x',
      '',
      'x.lanrtc-part',
    ]) {
      await expect(createFsSink({ dir: to }).prepare(one(path)), path).rejects.toMatchObject({
        name: 'UnsafePathError',
      });
    }
    await expect(createFsSink({ dir: to }).prepare(one('escape/x'))).rejects.toMatchObject({
      name: 'UnsafePathError',
    });
    await expect(createFsSink({ dir: to }).prepare(one('real/x'))).rejects.toMatchObject({
      name: 'UnsafePathError',
    });
    await expect(createFsSink({ dir: to }).prepare(one('plain/x'))).rejects.toMatchObject({
      name: 'PathConflictError',
    });

    // A folder that becomes a link after the offer was accepted: the write is refused all the same.
    const sink = createFsSink({ dir: to });
    const holdings = await sink.prepare(one('later/x'));
    expect(holdings[0]?.state).toBe('none');
    symlinkSync(outside, join(to, 'later'));
    await expect(sink.writeChunk(0, 0, new Uint8Array(1))).rejects.toMatchObject({ name: 'UnsafePathError' });
    await sink.close();
    expect(readdirSync(outside)).toEqual([]);
    expect(lstatSync(join(to, 'real', '.x.lanrtc-part')).isSymbolicLink()).toBe(true);
  });

  it('gives no final name to a file whose chunk hashes do not match its file hash', async () => {
    const to = tempDir();
    const data = bytes(CHUNK + 5, 4);
    const manifest: TransferManifest = {
      chunkSize: CHUNK,
      files: [
        {
          path: 'liar.bin',
          size: data.length,
          mode: 0o644,
          mtimeMs: 0,
          chunkHashes: [sha(data.subarray(0, CHUNK)), sha(data.subarray(CHUNK))],
          // The hash of other chunks: every chunk checks out, the list does not.
          fileHash: fileRootOf(data.subarray(1), CHUNK),
        },
      ],
    };
    const sink = createFsSink({ dir: to });
    await sink.prepare(manifest);
    await sink.writeChunk(0, 1, data.subarray(CHUNK));
    await sink.writeChunk(0, 0, data.subarray(0, CHUNK));
    await expect(sink.writeChunk(0, 0, data.subarray(0, 10))).rejects.toMatchObject({
      name: 'InvalidArgumentError',
    });
    await expect(sink.finishFile(0)).rejects.toMatchObject({ name: 'FileVerificationError' });
    await sink.close();
    expect(tree(to)).toEqual([]);
  });

  it('finishes right when chunks arrive out of order', async () => {
    const to = tempDir();
    const data = bytes(3 * CHUNK, 9);
    const manifest: TransferManifest = {
      chunkSize: CHUNK,
      files: [
        {
          path: 'shuffled.bin',
          size: data.length,
          mode: 0o600,
          mtimeMs: 1_000,
          chunkHashes: [0, 1, 2].map((i) => sha(data.subarray(i * CHUNK, (i + 1) * CHUNK))),
          fileHash: fileRootOf(data, CHUNK),
        },
      ],
    };
    const sink = createFsSink({ dir: to });
    await sink.prepare(manifest);
    for (const c of [2, 0, 1]) await sink.writeChunk(0, c, data.subarray(c * CHUNK, (c + 1) * CHUNK));
    expect((await sink.finishFile(0)).finalPath).toBe(join(to, 'shuffled.bin'));
    await sink.close();
    expectSameBytes(readFileSync(join(to, 'shuffled.bin')), Buffer.from(data));
  });

  it('keeps a file whose mtime the file system cannot store', async () => {
    const to = tempDir();
    const data = new TextEncoder().encode('from the far future');
    const manifest: TransferManifest = {
      chunkSize: CHUNK,
      files: [
        {
          path: 'future.txt',
          size: data.length,
          mode: 0o644,
          mtimeMs: Number.MAX_SAFE_INTEGER,
          chunkHashes: [sha(data)],
          fileHash: fileRootOf(data, CHUNK),
        },
      ],
    };
    const sink = createFsSink({ dir: to });
    await sink.prepare(manifest);
    await sink.writeChunk(0, 0, data);
    expect((await sink.finishFile(0)).finalPath).toBe(join(to, 'future.txt'));
    await sink.close();
    expect(readFileSync(join(to, 'future.txt'), 'utf8')).toBe('from the far future');
  });

  it('declines an offer larger than the free space', async () => {
    const to = tempDir();
    const { bavail, bsize } = statfsSync(to);
    const chunkSize = 16 * 1024 * KiB;
    // A GiB more than is free, so other writers on this machine cannot make it fit meanwhile.
    const size = bavail * bsize + 1024 * 1024 * KiB;
    const hash = sha(new Uint8Array());
    const manifest: TransferManifest = {
      chunkSize,
      files: [
        {
          path: 'huge',
          size,
          mode: 0o644,
          mtimeMs: 0,
          chunkHashes: Array(Math.ceil(size / chunkSize)).fill(hash),
          fileHash: hash,
        },
      ],
    };
    await expect(createFsSink({ dir: to }).prepare(manifest)).rejects.toMatchObject({
      name: 'InsufficientSpaceError',
    });
    // The same offer fits once it is 1 GiB less than the free space.
    const fits = size - 2 * 1024 * 1024 * KiB;
    const small: TransferManifest = {
      chunkSize,
      files: [
        {
          path: 'huge',
          size: fits,
          mode: 0o644,
          mtimeMs: 0,
          chunkHashes: Array(Math.ceil(fits / chunkSize)).fill(hash),
          fileHash: hash,
        },
      ],
    };
    expect((await createFsSink({ dir: to }).prepare(small))[0]?.state).toBe('none');
    expect(tree(to)).toEqual([]);
  });
});
