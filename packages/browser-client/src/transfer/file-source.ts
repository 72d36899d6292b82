/**
 * `File` objects (a drop, a file picker, a directory picker) as a transfer's `FileSource`: the
 * manifest is built by reading each file once, chunk by chunk, hashing every chunk (in the page's
 * SHA-256 worker when it has one, which reads the file itself; else Web Crypto in a secure context,
 * else the given SHA-256: a page served over `http://<lan-ip>` has no `crypto.subtle`; the file hash
 * covers the chunk list), so no file is ever held in memory whole; chunks are read again from the
 * `File` when they are sent.
 */
import { type AbortSignalLike, SourceChangedError } from '@lanrtc/signal-core';
import {
  type FileSource,
  fileHashOf,
  type ManifestFile,
  type Sha256Factory,
  type TransferManifest,
} from '@lanrtc/signal-core/transfer';
import type { Sha256Worker } from './sha256-worker-client.js';
import { uniqueTransferPaths } from './transfer-paths.js';

/** Default chunk: 1 MiB, the unit of hashing and of resume (the Node API's default too). */
export const FILE_SOURCE_CHUNK_BYTES = 1024 * 1024;

/** A file with the relative path to offer it under (a file found while walking a dropped folder). */
export interface PathedFile {
  readonly file: File;
  /** Relative, `/`-separated (`photos/2026/a.jpg`). */
  readonly path: string;
}

/** Options of `createFileSource`. */
export interface FileSourceInit {
  /** SHA-256 to hash with (signal-core's `nobleSha256` in a page). */
  readonly sha256: Sha256Factory;
  /** The page's SHA-256 worker (`startSha256Worker`): it reads and hashes the files off the page's thread. */
  readonly worker?: Sha256Worker | undefined;
  /** Bytes per chunk, a power of two from 64 KiB to 16 MiB (default 1 MiB). */
  readonly chunkSize?: number;
  /** Stop hashing: rejects with `signal.reason`. */
  readonly signal?: AbortSignalLike;
  /** While hashing: bytes hashed so far of the total (hashing a large file takes a while). */
  readonly onHashProgress?: (hashedBytes: number, totalBytes: number) => void;
}

/**
 * Hash `files` and make the source. A file's path is the one given with it (`PathedFile`), else its
 * `webkitRelativePath` (a folder pick) or its name; two files with one path get `name (1).ext`.
 */
export async function createFileSource(
  given: readonly (File | PathedFile)[],
  init: FileSourceInit,
): Promise<FileSource> {
  const chunkSize = init.chunkSize ?? FILE_SOURCE_CHUNK_BYTES;
  const files = given.map((g) => ('file' in g ? g.file : g));
  const paths = uniqueTransferPaths(
    given.map((g) => ('file' in g ? g.path : g.webkitRelativePath || g.name)),
  );
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  let hashed = 0;
  const subtle = globalThis.crypto?.subtle;
  const entries: ManifestFile[] = [];
  for (const [i, file] of files.entries()) {
    const done = hashed;
    const chunkHashes: Uint8Array[] = init.worker
      ? await init.worker.hashChunks(file, chunkSize, {
          ...(init.signal ? { signal: init.signal } : {}),
          onProgress: (n) => init.onHashProgress?.(done + n, totalBytes),
        })
      : [];
    if (init.worker) hashed += file.size;
    // The next chunk is read while this one is hashed.
    let next = !init.worker && file.size > 0 ? readSlice(file, 0, chunkSize) : undefined;
    for (let offset = 0; next; offset += chunkSize) {
      if (init.signal?.aborted) {
        next.catch(() => undefined); // a read still under way is not awaited any more
        throw init.signal.reason;
      }
      const bytes = await next;
      next = offset + chunkSize < file.size ? readSlice(file, offset + chunkSize, chunkSize) : undefined;
      // Web Crypto (secure contexts only) hashes the chunk natively, off this thread.
      const native = subtle?.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
      if (native) chunkHashes.push(new Uint8Array(await native));
      else {
        const chunk = init.sha256();
        chunk.update(bytes);
        chunkHashes.push(chunk.digest());
      }
      hashed += bytes.byteLength;
      init.onHashProgress?.(hashed, totalBytes);
    }
    entries.push({
      path: paths[i] as string,
      size: file.size,
      // A page cannot see permission bits: what a downloaded file gets by default.
      mode: 0o644,
      mtimeMs: Math.trunc(file.lastModified),
      chunkHashes,
      fileHash: fileHashOf(init.sha256, file.size, chunkHashes),
    });
  }
  const manifest: TransferManifest = { chunkSize, files: entries };
  return {
    manifest,
    async readChunk(fileIndex, chunkIndex) {
      const file = files[fileIndex];
      const entry = entries[fileIndex];
      if (!file || !entry || chunkIndex < 0 || chunkIndex >= entry.chunkHashes.length)
        throw new RangeError(`no chunk ${chunkIndex} of file ${fileIndex}`);
      return readSlice(file, chunkIndex * chunkSize, chunkSize);
    },
    async close() {
      // Nothing to release: a `File` holds no handle the page can close.
    },
  };
}

/** Bytes `[offset, offset + length)` of `file`; `SourceChangedError` when the file changed on disk since it was picked. */
async function readSlice(file: File, offset: number, length: number): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
  } catch (error) {
    // Chromium fails the read (NotReadableError) once the file on disk differs from the one picked.
    throw new SourceChangedError(`${file.name} changed or went away since it was chosen`, { cause: error });
  }
}
