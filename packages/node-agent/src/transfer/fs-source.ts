/**
 * The sending side's files on disk: files and directory trees walked once, every file hashed in one
 * streaming pass (each byte hashed once, for its chunk, on a worker thread while the next chunk is
 * read; the file hash is the root over the chunk hashes) unless this process hashed the same file
 * version before (hash-cache.ts) or an earlier one recorded it on disk (hash-store.ts), then chunks
 * read on demand by position. A file that changed since
 * it was hashed is never sent as if it had not.
 */
import { type BigIntStats, constants, fstatSync } from 'node:fs';
import { type FileHandle, open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InvalidArgumentError, SourceChangedError } from '@lanrtc/signal-core';
import {
  type ChunkDigest,
  checkPathSet,
  DEFAULT_CHUNK_SIZE,
  type FileSource,
  fileHashOf,
  MAX_CHUNK_SIZE,
  MAX_FILES,
  type ManifestFile,
  MIN_CHUNK_SIZE,
  type Sha256Factory,
} from '@lanrtc/signal-core/transfer';
import { UnreadableSourceError } from '../errors.js';
import { createBufferPool } from './buffer-pool.js';
import { cachedChunkHashes, rememberChunkHashes } from './hash-cache.js';
import { type ChunkHashStore, HASH_STORE_MIN_BYTES } from './hash-store.js';
import { nodeChunkDigest, sharedBuffer } from './node-chunk-digest.js';
import { nodeSha256 } from './node-sha256.js';
import { readChunks, readFully } from './read-chunks.js';
import { transferPathSegments } from './transfer-path.js';

/** Options of `createFsSource`. */
export interface FsSourceInit {
  /** Bytes per chunk, a power of two from 64 KiB to 16 MiB (default 1 MiB). */
  readonly chunkSize?: number;
  /** Hash to use (default `nodeSha256`). */
  readonly sha256?: Sha256Factory;
  /**
   * One-shot chunk hash for the manifest pass (default `nodeChunkDigest`, on a worker thread, when
   * `sha256` is not given; with a `sha256` and no `chunkDigest`, that hash on this thread).
   */
  readonly chunkDigest?: ChunkDigest;
  /**
   * Chunk hashes kept on disk between processes (`createChunkHashStore`): a large file unchanged since
   * it was hashed for an earlier run is offered without being read first.
   */
  readonly hashStore?: ChunkHashStore;
  /** Stops the walk and the hashing with the signal's reason. */
  readonly signal?: AbortSignal;
}

interface SourceFile {
  readonly absolute: string;
  readonly path: string;
  /** What the file was when hashed: a read finds it the same or refuses. */
  readonly stamp: Stamp;
}

interface Stamp {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
}

// Handles kept open between reads; more are opened as needed and the idle ones closed.
const MAX_OPEN = 8;

// Chunks of the manifest pass read ahead while earlier ones are hashed (each one chunk of memory).
const HASHING_AHEAD = 3;

/**
 * Walk `paths` (files, and directories recursively; each named from its own basename, `/`-separated
 * below it), hash every regular file and return a `FileSource`. Symbolic links and special files
 * inside a directory are skipped; a path given directly is followed. `UnreadableSourceError` for a
 * path that cannot be read, `UnsafePathError` for a name the other side would refuse.
 */
export async function createFsSource(paths: readonly string[], init: FsSourceInit = {}): Promise<FileSource> {
  const chunkSize = init.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (
    !Number.isInteger(chunkSize) ||
    chunkSize < MIN_CHUNK_SIZE ||
    chunkSize > MAX_CHUNK_SIZE ||
    (chunkSize & (chunkSize - 1)) !== 0
  ) {
    throw new InvalidArgumentError('chunkSize must be a power of two from 64 KiB to 16 MiB');
  }
  if (paths.length === 0) throw new InvalidArgumentError('no path to send');
  const sha256 = init.sha256 ?? nodeSha256;
  const digest: ChunkDigest | undefined = init.chunkDigest ?? (init.sha256 ? undefined : nodeChunkDigest);
  const found = await walk(paths, init.signal);
  // A file given by name may clash with a folder given beside it (`a` and `a/b`).
  checkPathSet(found.map((f) => f.path));
  const files: SourceFile[] = [];
  const manifestFiles: ManifestFile[] = [];
  for (const entry of found) {
    init.signal?.throwIfAborted();
    const hashed = await hashFile(entry.absolute, entry.path, chunkSize, sha256, digest, init);
    files.push(hashed.file);
    manifestFiles.push(hashed.manifest);
  }
  return sourceOf(files, { chunkSize, files: manifestFiles });
}

async function walk(
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<{ absolute: string; path: string }[]> {
  const out: { absolute: string; path: string }[] = [];
  const seen = new Set<string>();
  const add = (absolute: string, path: string) => {
    transferPathSegments(path);
    if (seen.has(path)) throw new InvalidArgumentError(`two files would arrive as ${JSON.stringify(path)}`);
    seen.add(path);
    if (out.length >= MAX_FILES) throw new InvalidArgumentError(`more than ${MAX_FILES} files`);
    out.push({ absolute, path });
  };
  for (const given of paths) {
    let absolute: string;
    let kind: 'file' | 'dir';
    try {
      // A path given directly is followed (a link to a folder sends the folder)…
      absolute = await realpath(given);
      const st = await stat(absolute);
      if (st.isFile()) kind = 'file';
      else if (st.isDirectory()) kind = 'dir';
      else throw new UnreadableSourceError(`${given}: neither a regular file nor a directory`);
    } catch (error) {
      if (error instanceof UnreadableSourceError) throw error;
      throw new UnreadableSourceError(`${given}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, {
        cause: error,
      });
    }
    // …and named as the user named it (`send ./photos` arrives as `photos/…`).
    const name = basename(given.replace(/\/+$/u, '')) || basename(absolute);
    if (name === '' || name === '.' || name === '..') {
      throw new InvalidArgumentError(`${given}: has no name to send it under; name its folder instead`);
    }
    if (kind === 'file') {
      add(absolute, name);
      continue;
    }
    // Depth first, names sorted: a tree always yields the same manifest order.
    const stack: { absolute: string; path: string }[] = [{ absolute, path: name }];
    while (stack.length > 0) {
      signal?.throwIfAborted();
      const dir = stack.pop() as { absolute: string; path: string };
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir.absolute, { withFileTypes: true });
      } catch (error) {
        throw new UnreadableSourceError(
          `${dir.absolute}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
          {
            cause: error,
          },
        );
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subdirs: { absolute: string; path: string }[] = [];
      for (const entry of entries) {
        const child = { absolute: join(dir.absolute, entry.name), path: `${dir.path}/${entry.name}` };
        // Links inside a tree are not followed: a tree can neither loop nor pull in files outside it.
        if (entry.isFile()) add(child.absolute, child.path);
        else if (entry.isDirectory()) subdirs.push(child);
      }
      stack.push(...subdirs.reverse());
    }
  }
  return out;
}

async function openNoFollow(absolute: string): Promise<FileHandle> {
  try {
    return await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw new UnreadableSourceError(`${absolute}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, {
      cause: error,
    });
  }
}

function stampOf(st: BigIntStats): Stamp {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs };
}

function sameStamp(a: Stamp, b: Stamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

async function hashFile(
  absolute: string,
  path: string,
  chunkSize: number,
  sha256: Sha256Factory,
  digest: ChunkDigest | undefined,
  { hashStore, signal }: Pick<FsSourceInit, 'hashStore' | 'signal'>,
): Promise<{ file: SourceFile; manifest: ManifestFile }> {
  const handle = await openNoFollow(absolute);
  try {
    const before = await handle.stat({ bigint: true });
    if (!before.isFile()) throw new UnreadableSourceError(`${absolute}: not a regular file`);
    const size = Number(before.size);
    const cacheStamp = { ...stampOf(before), ctimeNs: before.ctimeNs };
    const cached = cachedChunkHashes(cacheStamp, chunkSize);
    if (cached) return hashed(absolute, path, before, [...cached], sha256);
    const stored = size >= HASH_STORE_MIN_BYTES ? await hashStore?.get(cacheStamp, chunkSize) : undefined;
    if (stored) {
      rememberChunkHashes(cacheStamp, chunkSize, stored);
      return hashed(absolute, path, before, stored, sha256);
    }
    const chunkHashes: Uint8Array[] = [];
    // Each byte is hashed once, for its chunk; the file hash is the root over the chunk hashes.
    const read = digest
      ? await hashAhead(handle, size, chunkSize, digest, chunkHashes, signal)
      : await readChunks(handle, size, chunkSize, (index, bytes) => {
          const chunk = sha256();
          chunk.update(bytes);
          chunkHashes[index] = chunk.digest();
          return signal?.aborted ? false : undefined;
        });
    signal?.throwIfAborted();
    const after = await handle.stat({ bigint: true });
    if (read !== size || !sameStamp(stampOf(before), stampOf(after))) {
      throw new SourceChangedError(`${path} changed while it was being hashed`);
    }
    if (after.ctimeNs === before.ctimeNs) {
      rememberChunkHashes(cacheStamp, chunkSize, chunkHashes);
      if (size >= HASH_STORE_MIN_BYTES) await hashStore?.put(cacheStamp, chunkSize, chunkHashes);
    }
    return hashed(absolute, path, before, chunkHashes, sha256);
  } finally {
    await handle.close();
  }
}

/**
 * Read the chunks of `handle` in order into a ring of shared buffers and hash each with `digest`
 * while the next ones are read: a buffer is read into again only once its last chunk is hashed, so a
 * digest may read it in place (on a worker, with no copy). Resolves with the bytes read.
 */
async function hashAhead(
  handle: FileHandle,
  size: number,
  chunkSize: number,
  digest: ChunkDigest,
  chunkHashes: Uint8Array[],
  signal?: AbortSignal,
): Promise<number> {
  const bufferBytes = Math.max(1, Math.min(chunkSize, size));
  const slots: { buffer: Buffer; hashing: Promise<void> }[] = [];
  for (let k = 0; k <= HASHING_AHEAD && k * chunkSize < size; k++)
    slots.push({ buffer: sharedBuffer(bufferBytes), hashing: Promise.resolve() });
  let read = 0;
  try {
    for (let index = 0; read < size && !signal?.aborted; index++) {
      const slot = slots[index % slots.length] as (typeof slots)[number];
      await slot.hashing;
      const want = Math.min(chunkSize, size - read);
      const got = await readFully(handle, slot.buffer, want, read);
      read += got;
      if (got < want) break;
      slot.hashing = digest(slot.buffer.subarray(0, got)).then((hash) => {
        chunkHashes[index] = hash;
      });
    }
    await Promise.all(slots.map((slot) => slot.hashing));
    return read;
  } finally {
    // A digest still reading a buffer is never left running after the caller moved on.
    await Promise.allSettled(slots.map((slot) => slot.hashing));
  }
}

function hashed(
  absolute: string,
  path: string,
  st: BigIntStats,
  chunkHashes: Uint8Array[],
  sha256: Sha256Factory,
): { file: SourceFile; manifest: ManifestFile } {
  const size = Number(st.size);
  return {
    file: { absolute, path, stamp: stampOf(st) },
    manifest: {
      path,
      size,
      mode: Number(st.mode) & 0o777,
      mtimeMs: Number(st.mtimeNs / 1_000_000n),
      chunkHashes,
      fileHash: fileHashOf(sha256, size, chunkHashes),
    },
  };
}

function sourceOf(files: readonly SourceFile[], manifest: FileSource['manifest']): FileSource {
  const { chunkSize } = manifest;
  // fileIndex → an open handle and how many reads are using it (an idle one may be closed).
  const handles = new Map<number, { handle: Promise<FileHandle>; users: number }>();
  let closed = false;
  // Chunk buffers: the window's worth in flight, one read ahead, given back at each ACK.
  const chunks = createBufferPool({ minBytes: 64 * 1024, maxBytes: 24 * 1024 * 1024 });

  const acquire = (fileIndex: number, file: SourceFile) => {
    let entry = handles.get(fileIndex);
    if (!entry) {
      entry = { handle: openChecked(file), users: 0 };
      handles.set(fileIndex, entry);
      // Failed opens are not kept: a later read tries again and reports its own error.
      entry.handle.catch(() => handles.delete(fileIndex));
    }
    entry.users++;
    return entry;
  };
  const release = async (fileIndex: number) => {
    const entry = handles.get(fileIndex);
    if (entry) entry.users--;
    if (handles.size <= MAX_OPEN) return;
    for (const [index, idle] of handles) {
      if (idle.users > 0 || handles.size <= MAX_OPEN) continue;
      handles.delete(index);
      await (await idle.handle).close();
    }
  };

  return {
    manifest,
    async readChunk(fileIndex, chunkIndex) {
      if (closed) throw new InvalidArgumentError('file source closed');
      const file = files[fileIndex];
      const entry = manifest.files[fileIndex];
      if (
        !file ||
        !entry ||
        !Number.isInteger(chunkIndex) ||
        chunkIndex < 0 ||
        chunkIndex >= entry.chunkHashes.length
      ) {
        throw new InvalidArgumentError(`no chunk ${chunkIndex} of file ${fileIndex}`);
      }
      const offset = chunkIndex * chunkSize;
      const length = Math.min(chunkSize, entry.size - offset);
      const use = acquire(fileIndex, file);
      try {
        const handle = await use.handle;
        // Not zeroed (every byte is read into it or the read is refused); given back at the chunk's ACK.
        const pooled = chunks.take(length);
        const bytes = new Uint8Array(pooled.buffer, pooled.byteOffset, length);
        const got = await readFully(handle, bytes, length, offset);
        // Checked after the read: bytes read while the file changed are never handed out. A
        // synchronous fstat (microseconds, no disk) costs less than a round trip through libuv's pool.
        const now = stampOf(fstatSync(handle.fd, { bigint: true }));
        if (got !== length || !sameStamp(now, file.stamp)) {
          throw new SourceChangedError(`${file.path} changed since it was offered`);
        }
        return bytes;
      } finally {
        await release(fileIndex);
      }
    },
    release: (bytes) => chunks.give(bytes),
    async close() {
      closed = true;
      const open = [...handles.values()];
      handles.clear();
      await Promise.all(open.map(async (e) => (await e.handle.catch(() => undefined))?.close()));
    },
  };
}

async function openChecked(file: SourceFile): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(file.absolute, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw new SourceChangedError(`${file.path} is gone or unreadable since it was offered`, { cause: error });
  }
  const now = stampOf(await handle.stat({ bigint: true }));
  if (!sameStamp(now, file.stamp)) {
    await handle.close();
    throw new SourceChangedError(`${file.path} changed since it was offered`);
  }
  return handle;
}
