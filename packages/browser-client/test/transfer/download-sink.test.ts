/**
 * `createDownloadSink` in vitest (Node has the web's `Blob`): a file whose chunks arrive in order or
 * not is delivered once, byte for byte, under its last path segment; a file whose chunk list does not
 * match its file hash, or that misses a chunk, is never delivered (each chunk's own hash is the
 * engine's check, before `writeChunk`); an offer above the limit is refused.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { TransferManifest } from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import { createDownloadSink, type ReceivedFile } from '../../src/transfer/download-sink.js';
import { fileHashFor, nodeSha256, sha256Of } from './node-sha256.js';

const CHUNK = 64 * 1024;
/** Random bytes in a plain Uint8Array (a Buffer's `slice` would share memory). */
const randomBytes = (n: number) => new Uint8Array(nodeRandomBytes(n));
/** Hex, so a mismatch prints a short diff rather than every byte. */
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function manifestOf(path: string, bytes: Uint8Array): TransferManifest {
  const chunkHashes: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK) chunkHashes.push(sha256Of(bytes.subarray(at, at + CHUNK)));
  return {
    chunkSize: CHUNK,
    files: [
      {
        path,
        size: bytes.length,
        mode: 0o644,
        mtimeMs: 1,
        chunkHashes,
        fileHash: fileHashFor(bytes.length, chunkHashes),
      },
    ],
  };
}
const chunkOf = (bytes: Uint8Array, i: number) => bytes.slice(i * CHUNK, (i + 1) * CHUNK);

describe('createDownloadSink', () => {
  it.each([
    ['in order', [0, 1, 2]],
    ['out of order', [2, 0, 1]],
  ])('delivers a verified file whose chunks came %s', async (_, order) => {
    const bytes = randomBytes(CHUNK * 2 + 77);
    const delivered: ReceivedFile[] = [];
    const sink = createDownloadSink({ sha256: nodeSha256, deliver: (f) => delivered.push(f) });
    const holdings = await sink.prepare(manifestOf('docs/report.pdf', bytes));
    expect(holdings).toEqual([{ state: 'none', verifiedChunks: new Set() }]);
    for (const i of order) {
      const chunk = chunkOf(bytes, i);
      await sink.writeChunk(0, i, chunk);
      chunk.fill(0); // the caller reuses its buffer: the sink kept a copy
    }
    expect(await sink.finishFile(0)).toEqual({ finalPath: 'report.pdf' });
    expect(delivered.map((f) => [f.path, f.name])).toEqual([['docs/report.pdf', 'report.pdf']]);
    expect(hex(sha256Of(new Uint8Array(await (delivered[0] as ReceivedFile).blob.arrayBuffer())))).toBe(
      hex(sha256Of(bytes)),
    );
  });

  it('never delivers a file that misses a chunk, whose size is wrong, or whose chunk list is not its file hash', async () => {
    const bytes = randomBytes(CHUNK + 5);
    const delivered: ReceivedFile[] = [];
    const sink = createDownloadSink({ sha256: nodeSha256, deliver: (f) => delivered.push(f) });
    await sink.prepare(manifestOf('a.bin', bytes));
    await sink.writeChunk(0, 0, chunkOf(bytes, 0));
    await expect(sink.finishFile(0)).rejects.toMatchObject({ name: 'FileVerificationError' });
    await sink.writeChunk(0, 1, chunkOf(bytes, 1).subarray(1));
    await expect(sink.finishFile(0)).rejects.toMatchObject({ name: 'FileVerificationError' });
    // A manifest whose file hash is not over its own chunk list (a lying or corrupted offer).
    const lying = manifestOf('b.bin', bytes);
    const file = lying.files[0] as TransferManifest['files'][number];
    const forged = { ...lying, files: [{ ...file, fileHash: sha256Of(bytes) }] };
    await sink.prepare(forged);
    await sink.writeChunk(0, 0, chunkOf(bytes, 0));
    await sink.writeChunk(0, 1, chunkOf(bytes, 1));
    await expect(sink.finishFile(0)).rejects.toMatchObject({ name: 'FileVerificationError' });
    expect(delivered).toEqual([]);
    await expect(sink.writeChunk(0, 2, new Uint8Array(1))).rejects.toThrow(RangeError);
  });

  it('refuses an offer larger than its limit', async () => {
    const sink = createDownloadSink({ sha256: nodeSha256, deliver: () => undefined, maxBytes: 100 });
    await expect(sink.prepare(manifestOf('big', randomBytes(101)))).rejects.toMatchObject({
      name: 'InsufficientSpaceError',
    });
  });

  it.each(['../x', '/etc/passwd', 'a/../../b', 'C:/x'])(
    'refuses the path %s (UnsafePathError), whoever decoded the manifest',
    async (path) => {
      const sink = createDownloadSink({ sha256: nodeSha256, deliver: () => undefined });
      await expect(sink.prepare(manifestOf(path, randomBytes(3)))).rejects.toMatchObject({
        name: 'UnsafePathError',
      });
    },
  );

  it('refuses two files under one path', async () => {
    const sink = createDownloadSink({ sha256: nodeSha256, deliver: () => undefined });
    const one = manifestOf('a', randomBytes(3));
    await expect(sink.prepare({ ...one, files: [...one.files, ...one.files] })).rejects.toMatchObject({
      name: 'UnsafePathError',
    });
  });
});
