/**
 * The chunk hashes of files this process hashed to send them, kept in its memory so sending the same
 * unchanged file again (a resend after an interrupted transfer, another peer) offers it at once
 * instead of reading and hashing it all first. A file counts as unchanged only if its device, inode,
 * size, mtime and ctime (nanoseconds) are all the same; ctime moves on every write and cannot be set
 * back by a user, so even a write that restores the mtime is rehashed. A stale entry could not send
 * wrong bytes anyway: the receiver checks every chunk against its hash.
 */

/** What identifies one version of a file on disk (from a `bigint` stat). */
export interface HashCacheStamp {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** Most chunk hashes kept (32 bytes each): 1 GiB of chunks per 1 024, so 64 GiB of files at 1 MiB chunks. */
const MAX_CACHED_CHUNKS = 65_536;

// Key → chunk hashes, oldest use first (a Map keeps insertion order; a hit moves to the end).
const entries = new Map<string, readonly Uint8Array[]>();
let cachedChunks = 0;

const keyOf = (stamp: HashCacheStamp, chunkSize: number) =>
  `${stamp.dev}:${stamp.ino}:${stamp.size}:${stamp.mtimeNs}:${stamp.ctimeNs}:${chunkSize}`;

/** The chunk hashes recorded for exactly this file version and chunk size, if any. */
export function cachedChunkHashes(
  stamp: HashCacheStamp,
  chunkSize: number,
): readonly Uint8Array[] | undefined {
  const key = keyOf(stamp, chunkSize);
  const hit = entries.get(key);
  if (hit) {
    entries.delete(key);
    entries.set(key, hit);
  }
  return hit;
}

/** Record the chunk hashes of a file version read whole and unchanged; the least recently used go past the bound. */
export function rememberChunkHashes(
  stamp: HashCacheStamp,
  chunkSize: number,
  chunkHashes: readonly Uint8Array[],
): void {
  if (chunkHashes.length > MAX_CACHED_CHUNKS) return;
  const key = keyOf(stamp, chunkSize);
  const old = entries.get(key);
  if (old) {
    entries.delete(key);
    cachedChunks -= old.length;
  }
  entries.set(key, chunkHashes);
  cachedChunks += chunkHashes.length;
  for (const [oldest, hashes] of entries) {
    if (cachedChunks <= MAX_CACHED_CHUNKS) break;
    entries.delete(oldest);
    cachedChunks -= hashes.length;
  }
}

/** Forget every recorded hash (after a receiver refused one: an entry may be stale). */
export function forgetChunkHashes(): void {
  entries.clear();
  cachedChunks = 0;
}
