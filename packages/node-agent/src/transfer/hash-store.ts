/**
 * Chunk hashes of large files kept on disk between runs (a folder in the CLI's config directory), so
 * running the same `lanrtc send` again — the way an interrupted transfer is resumed — offers an
 * unchanged big file at once instead of reading and hashing all of it first (about a second per GiB
 * on a two-core machine). A file counts as unchanged under the rules of hash-cache.ts: same device,
 * inode, size, mtime and ctime to the nanosecond. An entry that does not parse, or that describes
 * another version of the file, is not used (and a broken one is removed, counted in `dropped`); a
 * wrong entry could not send wrong bytes anyway, since the receiver checks every chunk, and the
 * sender clears the store when a receiver refused a chunk or a file (send-files.ts).
 *
 * One file per (device, inode, chunk size):
 * `"LRTCHSH1" ‖ u64 dev ‖ u64 ino ‖ u64 size ‖ u64 mtimeNs ‖ u64 ctimeNs ‖ u32 chunkSize ‖ u32 count ‖
 * count × raw[32] chunkHash` (big-endian), written to a temporary name and renamed into place.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HashCacheStamp } from './hash-cache.js';

/** Files smaller than this are hashed again rather than looked up: hashing them costs less than the lookup. */
export const HASH_STORE_MIN_BYTES = 16 * 1024 * 1024;

const MAGIC = Buffer.from('LRTCHSH1', 'latin1');
const HEADER_BYTES = MAGIC.length + 5 * 8 + 2 * 4;
const DIGEST_BYTES = 32;
/** Entries kept (each at most 2 MiB: 64 GiB of file at 1 MiB chunks); the oldest go past it. */
const DEFAULT_MAX_ENTRIES = 1024;
/** Writes between two looks at how many entries there are. */
const PRUNE_EVERY = 64;

/** Options of `createChunkHashStore`. */
export interface ChunkHashStoreInit {
  /** Folder of the entries (created 0700 on the first write). */
  readonly dir: string;
  /** Most entries kept (default 1 024). */
  readonly maxEntries?: number;
}

/** Chunk hashes of file versions, on disk. */
export interface ChunkHashStore {
  /** The chunk hashes recorded for exactly this file version and chunk size, if any. */
  get(stamp: HashCacheStamp, chunkSize: number): Promise<Uint8Array[] | undefined>;
  /** Record the chunk hashes of a file version read whole and unchanged (a failed write is ignored). */
  put(stamp: HashCacheStamp, chunkSize: number, chunkHashes: readonly Uint8Array[]): Promise<void>;
  /** Remove every entry (and the folder, when nothing else is in it). */
  clear(): Promise<void>;
  /** Entries found broken and removed since this store was made. */
  readonly dropped: number;
}

/** A store of chunk hashes in `init.dir`. */
export function createChunkHashStore(init: ChunkHashStoreInit): ChunkHashStore {
  const { dir } = init;
  const maxEntries = init.maxEntries ?? DEFAULT_MAX_ENTRIES;
  let dropped = 0;
  let writes = 0;
  const fileOf = (stamp: HashCacheStamp, chunkSize: number) =>
    join(
      dir,
      `${createHash('sha256').update(`${stamp.dev}:${stamp.ino}:${chunkSize}`).digest('hex').slice(0, 32)}.hashes`,
    );

  const prune = async () => {
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.hashes'));
    if (names.length <= maxEntries) return;
    const aged = await Promise.all(
      names.map(async (name) => ({
        name,
        mtimeMs: (await stat(join(dir, name)).catch(() => undefined))?.mtimeMs ?? 0,
      })),
    );
    aged.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const { name } of aged.slice(0, names.length - maxEntries))
      await unlink(join(dir, name)).catch(() => undefined);
  };

  return {
    async get(stamp, chunkSize) {
      const file = fileOf(stamp, chunkSize);
      const bytes = await readFile(file).catch(() => undefined);
      if (!bytes) return undefined;
      const decoded = decodeEntry(bytes, chunkSize);
      if (!decoded) {
        dropped += 1;
        await unlink(file).catch(() => undefined);
        return undefined;
      }
      const { entry, chunkHashes } = decoded;
      const same =
        entry.dev === stamp.dev &&
        entry.ino === stamp.ino &&
        entry.size === stamp.size &&
        entry.mtimeNs === stamp.mtimeNs &&
        entry.ctimeNs === stamp.ctimeNs;
      return same ? chunkHashes : undefined;
    },
    async put(stamp, chunkSize, chunkHashes) {
      const file = fileOf(stamp, chunkSize);
      const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await writeFile(temporary, encodeEntry(stamp, chunkSize, chunkHashes), { mode: 0o600 });
        await rename(temporary, file);
      } catch {
        // A cache that cannot be written only means hashing again next time.
        await unlink(temporary).catch(() => undefined);
        return;
      }
      writes += 1;
      if (writes % PRUNE_EVERY === 1) await prune();
    },
    async clear() {
      // Only this store's files (entries, and temporaries a crash left): the folder may hold others.
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names)
        if (name.endsWith('.hashes') || name.endsWith('.tmp'))
          await unlink(join(dir, name)).catch(() => undefined);
      await rmdir(dir).catch(() => undefined); // only when nothing else is in it
    },
    get dropped() {
      return dropped;
    },
  };
}

function encodeEntry(stamp: HashCacheStamp, chunkSize: number, chunkHashes: readonly Uint8Array[]): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + chunkHashes.length * DIGEST_BYTES);
  MAGIC.copy(out, 0);
  let at = MAGIC.length;
  for (const value of [stamp.dev, stamp.ino, stamp.size, stamp.mtimeNs, stamp.ctimeNs]) {
    out.writeBigUInt64BE(value, at);
    at += 8;
  }
  out.writeUInt32BE(chunkSize, at);
  out.writeUInt32BE(chunkHashes.length, at + 4);
  at += 8;
  for (const hash of chunkHashes) {
    out.set(hash, at);
    at += DIGEST_BYTES;
  }
  return out;
}

/** The entry in `bytes`, or undefined when it is not one well-formed entry for `chunkSize`. */
function decodeEntry(
  bytes: Buffer,
  chunkSize: number,
): { entry: HashCacheStamp; chunkHashes: Uint8Array[] } | undefined {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  let at = MAGIC.length;
  const [dev, ino, size, mtimeNs, ctimeNs] = [0, 1, 2, 3, 4].map(() => {
    const value = bytes.readBigUInt64BE(at);
    at += 8;
    return value;
  }) as [bigint, bigint, bigint, bigint, bigint];
  const storedChunkSize = bytes.readUInt32BE(at);
  const count = bytes.readUInt32BE(at + 4);
  at += 8;
  if (storedChunkSize !== chunkSize || chunkSize === 0) return undefined;
  // Exactly one hash per chunk of a file of `size` bytes, and nothing after them.
  if (BigInt(count) !== (size + BigInt(chunkSize) - 1n) / BigInt(chunkSize)) return undefined;
  if (bytes.length !== at + count * DIGEST_BYTES) return undefined;
  const chunkHashes: Uint8Array[] = [];
  for (let i = 0; i < count; i++, at += DIGEST_BYTES)
    chunkHashes.push(new Uint8Array(bytes.subarray(at, at + DIGEST_BYTES)));
  return { entry: { dev, ino, size, mtimeNs, ctimeNs }, chunkHashes };
}
