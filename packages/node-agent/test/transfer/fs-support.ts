/**
 * Helpers of the transfer tests: temp directories that are always removed, independent hashing to
 * check manifests against, and a minimal in-test copy loop (source → sink, no engine, no lane) so the
 * storage is tested on its own.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileHolding, FileSink, FileSource } from '@lanrtc/signal-core/transfer';
import { afterEach, expect } from 'vitest';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed after the current test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lanrtc-transfer-'));
  made.push(dir);
  return dir;
}

/** SHA-256 with node:crypto directly (not through the code under test). */
export function sha(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** A manifest file hash, computed here from its definition (docs/PROTOCOL.md, "Manifest"), not by the code under test. */
export function fileRoot(size: number, chunkHashes: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256').update('lanrtc/transfer/file/v1');
  const sizeBytes = Buffer.alloc(8);
  sizeBytes.writeBigUInt64BE(BigInt(size));
  hash.update(sizeBytes);
  for (const chunk of chunkHashes) hash.update(chunk);
  return new Uint8Array(hash.digest());
}

/** The manifest file hash of `data` cut into `chunkSize` chunks. */
export function fileRootOf(data: Uint8Array, chunkSize: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += chunkSize) chunks.push(sha(data.subarray(at, at + chunkSize)));
  return fileRoot(data.length, chunks);
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
export function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Move every chunk the holdings do not have from `source` into `sink` and finish each file that
 * was not complete, the way the receiving engine drives a sink. `only(file, chunk)` limits which
 * chunks go (a transfer cut short); finishing happens only when every chunk went.
 */
export async function copyChunks(
  source: FileSource,
  sink: FileSink,
  holdings: readonly FileHolding[],
  only: (file: number, chunk: number) => boolean = () => true,
): Promise<{ written: number; finalPaths: (string | undefined)[] }> {
  let written = 0;
  const finalPaths: (string | undefined)[] = [];
  for (const [f, file] of source.manifest.files.entries()) {
    const holding = holdings[f];
    let all = true;
    if (holding?.state !== 'complete') {
      for (let c = 0; c < file.chunkHashes.length; c++) {
        if (holding?.verifiedChunks.has(c)) continue;
        if (!only(f, c)) {
          all = false;
          continue;
        }
        const data = await source.readChunk(f, c);
        await sink.writeChunk(f, c, data);
        written += data.byteLength;
      }
    }
    finalPaths.push(all ? (await sink.finishFile(f)).finalPath : undefined);
  }
  return { written, finalPaths };
}

/** Assert two byte strings are equal (vitest's deep equality walks megabytes element by element). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  const same = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected);
  expect(
    same,
    `${actual.byteLength} bytes vs ${expected.byteLength} expected, content ${same ? 'equal' : 'differs'}`,
  ).toBe(true);
}

/** Flip the low bit of the byte at `at` in the file at `path`, in place (a rotten disk block). */
export function flipByte(path: string, at: number): void {
  const fd = openSync(path, 'r+');
  try {
    const one = Buffer.alloc(1);
    readSync(fd, one, 0, 1, at);
    one[0] = (one[0] ?? 0) ^ 1;
    writeSync(fd, one, 0, 1, at);
  } finally {
    closeSync(fd);
  }
}
