/**
 * The receiving side's files on disk. Every write lands in a temporary file `.NAME.lanrtc-part`
 * beside the final name, opened without following links, under directories checked to be real
 * directories inside the target; a file gets its final name only once every chunk is on disk (each
 * verified against the manifest's chunk hash, by the engine or by the re-hash of a resumed partial),
 * the chunk hashes match the file hash, its bytes, mode and mtime were fsync'd, and the rename was
 * made durable by an fsync of the directory. One file, because the hold/resume decision, the chunk
 * bookkeeping and the final rename share one state.
 */
import { constants } from 'node:fs';
import {
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  realpath,
  rename,
  statfs,
  unlink,
} from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  FileVerificationError,
  InsufficientSpaceError,
  InvalidArgumentError,
  UnsafePathError,
} from '@lanrtc/signal-core';
import {
  type FileHolding,
  type FileSink,
  fileHashOf,
  type ManifestFile,
  type Sha256Factory,
  type TransferManifest,
} from '@lanrtc/signal-core/transfer';
import { PathConflictError } from '../errors.js';
import { numberedName, partName } from './final-name.js';
import { nodeSha256 } from './node-sha256.js';
import { readChunks } from './read-chunks.js';
import { checkDirs, ensureDirs, kindAt, syncDir } from './safe-dir.js';
import { transferPathSegments } from './transfer-path.js';

/** Options of `createFsSink`. */
export interface FsSinkInit {
  /** Target directory; created (with its parents) at the first write. Every file lands inside it. */
  readonly dir: string;
  /** Hash to use (default `nodeSha256`). */
  readonly sha256?: Sha256Factory;
}

// Alternatives `NAME (n).ext` tried before giving up on a name.
const MAX_NUMBERED = 1000;

interface Target {
  readonly entry: ManifestFile;
  readonly dirSegments: readonly string[];
  readonly name: string;
  /** n of the final name `numberedName(name, n)` chosen by `prepare`. */
  numbered: number;
  holding: FileHolding;
  /** Open temporary file, once something is written or finished. */
  handle?: Promise<FileHandle> | undefined;
  /** Chunks written by this sink (verified by the engine before `writeChunk`). */
  written: Set<number>;
  finalPath?: string;
  /** Operations on this file run one after the other. */
  queue: Promise<unknown>;
}

/** A `FileSink` writing into `init.dir` (docs/PROTOCOL.md, "File transfer"). */
export function createFsSink(init: FsSinkInit): FileSink {
  const sha256 = init.sha256 ?? nodeSha256;
  const root = resolve(init.dir);
  let realRoot: string | undefined;
  let chunkSize = 0;
  let targets: Target[] | undefined;
  let closed = false;
  const created = new Set<string>();

  const ensureRoot = async (): Promise<string> => {
    if (realRoot === undefined) {
      await mkdir(root, { recursive: true, mode: 0o755 });
      realRoot = await realpath(root);
    }
    return realRoot;
  };
  const target = (fileIndex: number): Target => {
    if (closed) throw new InvalidArgumentError('file sink closed');
    const t = targets?.[fileIndex];
    if (!t)
      throw new InvalidArgumentError(targets ? `no file ${fileIndex} in this transfer` : 'prepare() first');
    return t;
  };
  const serial = <T>(t: Target, op: () => Promise<T>): Promise<T> => {
    const run = t.queue.then(op, op);
    t.queue = run.catch(() => undefined);
    return run;
  };
  const chunkLength = (t: Target, chunkIndex: number) =>
    Math.min(chunkSize, t.entry.size - chunkIndex * chunkSize);
  const partPath = async (t: Target) =>
    join(await ensureDirs(await ensureRoot(), t.dirSegments, t.entry.path, created), partName(t.name));
  const openPart = (t: Target): Promise<FileHandle> => {
    t.handle ??= (async () => {
      const handle = await open(
        await partPath(t),
        constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW,
        0o600,
      ).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ELOOP')
          throw new UnsafePathError(`${t.entry.path}: its partial file is a symbolic link`);
        throw error;
      });
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        throw new PathConflictError(`${t.entry.path}: its partial file's name is taken by something else`);
      }
      return handle;
    })();
    t.handle.catch(() => {
      t.handle = undefined;
    });
    return t.handle;
  };

  return {
    async prepare(manifest: TransferManifest): Promise<FileHolding[]> {
      if (closed) throw new InvalidArgumentError('file sink closed');
      if (targets) throw new InvalidArgumentError('prepare() runs once per sink');
      chunkSize = manifest.chunkSize;
      const rootKind = await kindAt(root);
      if (rootKind !== 'missing') {
        realRoot = await realpath(root);
        if ((await kindAt(realRoot)) !== 'dir') throw new PathConflictError(`${init.dir} is not a folder`);
      }
      // Every offered path is taken, so no numbered name collides with another file of the offer.
      const reserved = new Set(manifest.files.map((f) => f.path));
      const dirsThere = new Map<string, boolean>();
      const list: Target[] = [];
      let needBytes = 0;
      for (const entry of manifest.files) {
        const segments = transferPathSegments(entry.path);
        const name = segments.pop() as string;
        const t: Target = {
          entry,
          dirSegments: segments,
          name,
          numbered: 0,
          holding: { state: 'none', verifiedChunks: new Set() },
          written: new Set(),
          queue: Promise.resolve(),
        };
        list.push(t);
        const dirKey = segments.join('/');
        let there = dirsThere.get(dirKey);
        if (realRoot !== undefined && there === undefined) {
          there = await checkDirs(realRoot, segments, entry.path);
          dirsThere.set(dirKey, there);
        }
        if (realRoot !== undefined && there) {
          const parent = join(realRoot, ...segments);
          t.numbered = await chooseName(parent, t, reserved, sha256, chunkSize);
          if (t.holding.state !== 'complete') t.holding = await partialHolding(parent, t, sha256, chunkSize);
          else await dropPlacedPart(parent, t);
        } else {
          reserved.add(entry.path);
        }
        if (t.holding.state !== 'complete') {
          let held = 0;
          for (const c of t.holding.verifiedChunks) held += chunkLength(t, c);
          needBytes += entry.size - held;
        }
      }
      const free = await freeBytes(realRoot ?? root);
      if (needBytes > free) {
        throw new InsufficientSpaceError(
          `the offer needs ${needBytes} bytes; ${free} are free under ${init.dir}`,
        );
      }
      targets = list;
      return list.map((t) => t.holding);
    },

    writeChunk(fileIndex, chunkIndex, data) {
      const t = target(fileIndex);
      return serial(t, async () => {
        if (t.holding.state === 'complete' || t.finalPath !== undefined) {
          throw new InvalidArgumentError(`${t.entry.path} is complete already`);
        }
        if (!Number.isInteger(chunkIndex) || chunkIndex < 0 || chunkIndex >= t.entry.chunkHashes.length) {
          throw new InvalidArgumentError(`${t.entry.path} has no chunk ${chunkIndex}`);
        }
        if (data.byteLength !== chunkLength(t, chunkIndex)) {
          throw new InvalidArgumentError(`${t.entry.path}: chunk ${chunkIndex} has the wrong length`);
        }
        const handle = await openPart(t);
        for (let done = 0; done < data.byteLength; ) {
          const { bytesWritten } = await handle.write(
            data,
            done,
            data.byteLength - done,
            chunkIndex * chunkSize + done,
          );
          done += bytesWritten;
        }
        t.written.add(chunkIndex);
      });
    },

    finishFile(fileIndex) {
      const t = target(fileIndex);
      return serial(t, async () => {
        if (t.finalPath !== undefined) return { finalPath: t.finalPath };
        const rootNow = await ensureRoot();
        if (t.holding.state === 'complete') {
          t.finalPath = join(rootNow, ...t.dirSegments, numberedName(t.name, t.numbered));
          return { finalPath: t.finalPath };
        }
        const { entry } = t;
        for (let c = 0; c < entry.chunkHashes.length; c++) {
          if (!t.written.has(c) && !t.holding.verifiedChunks.has(c)) {
            throw new FileVerificationError(`${entry.path}: chunk ${c} never arrived`);
          }
        }
        const handle = await openPart(t);
        await handle.truncate(entry.size);
        const part = await partPath(t);
        // Every chunk on disk matched its hash in the list; the list must match the file hash.
        if (!equalBytes(fileHashOf(sha256, entry.size, entry.chunkHashes), entry.fileHash)) {
          t.handle = undefined;
          await handle.close();
          // Its chunks matched but the whole does not: the offer contradicts itself; nothing to resume.
          await unlink(part).catch(() => undefined);
          throw new FileVerificationError(`${entry.path}: the received file does not match its SHA-256`);
        }
        // Owner may always read what arrived; nobody else gets write access from the sender's mode.
        await handle.chmod((entry.mode & 0o755) | 0o400);
        await handle.utimes(new Date(), entry.mtimeMs / 1000);
        await handle.sync();
        t.handle = undefined;
        await handle.close();
        const parent = dirname(part);
        t.finalPath = await place(part, parent, t);
        await unlink(part).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
        // The rename, and each folder made for it, survive a crash only once their directories are synced.
        for (const dir of created) await syncDir(dirname(dir));
        created.clear();
        await syncDir(parent);
        return { finalPath: t.finalPath };
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const t of targets ?? []) {
        const handle = t.handle;
        t.handle = undefined;
        await handle?.then((h) => h.close()).catch(() => undefined);
      }
    },
  };
}

/**
 * Give the finished temporary file a final name that no file has: a hard link fails rather than
 * replace a file that appeared since `prepare` (rename would replace it), then the temporary name
 * goes. Where links are not supported, rename after checking the name is free.
 */
async function place(part: string, parent: string, t: Target): Promise<string> {
  for (let n = t.numbered; n < t.numbered + MAX_NUMBERED; n++) {
    const candidate = join(parent, numberedName(t.name, n));
    try {
      await link(part, candidate);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw error;
    }
    if ((await kindAt(candidate)) !== 'missing') continue;
    await rename(part, candidate);
    return candidate;
  }
  throw new PathConflictError(`${t.entry.path}: no free name among ${MAX_NUMBERED} alternatives`);
}

/** Pick the final name: the offered one if free, else `NAME (n).ext`; an identical file there makes it `complete`. */
async function chooseName(
  parent: string,
  t: Target,
  reserved: Set<string>,
  sha256: Sha256Factory,
  chunkSize: number,
): Promise<number> {
  const prefix = t.dirSegments.length > 0 ? `${t.dirSegments.join('/')}/` : '';
  for (let n = 0; n < MAX_NUMBERED; n++) {
    const name = numberedName(t.name, n);
    if (n > 0 && reserved.has(prefix + name)) continue;
    const at = join(parent, name);
    const kind = await kindAt(at);
    if (kind === 'missing') {
      reserved.add(prefix + name);
      return n;
    }
    if (kind === 'file' && (await sameContent(at, t.entry, sha256, chunkSize))) {
      t.holding = { state: 'complete', verifiedChunks: new Set() };
      reserved.add(prefix + name);
      return n;
    }
  }
  throw new PathConflictError(`${t.entry.path}: no free name among ${MAX_NUMBERED} alternatives`);
}

/**
 * A crash between `place`'s link and its unlink leaves the temporary name beside the final one, both
 * names of one file: remove that name. A temporary file that is another file (a partial of a
 * different offer under the same name) is kept for its own resume.
 */
async function dropPlacedPart(parent: string, t: Target): Promise<void> {
  const part = join(parent, partName(t.name));
  const [partStat, finalStat] = await Promise.all([
    lstat(part, { bigint: true }).catch(() => undefined),
    lstat(join(parent, numberedName(t.name, t.numbered)), { bigint: true }).catch(() => undefined),
  ]);
  if (!partStat?.isFile() || !finalStat?.isFile()) return;
  if (partStat.dev !== finalStat.dev || partStat.ino !== finalStat.ino) return;
  await unlink(part).catch(() => undefined);
}

/** Whether the file at `at` has exactly the manifest entry's bytes (stops at the first chunk that differs). */
async function sameContent(at: string, entry: ManifestFile, sha256: Sha256Factory, chunkSize: number) {
  const handle = await open(at, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if ((await handle.stat()).size !== entry.size) return false;
    let same = equalBytes(fileHashOf(sha256, entry.size, entry.chunkHashes), entry.fileHash);
    if (!same) return false;
    const read = await readChunks(handle, entry.size, chunkSize, (index, bytes) => {
      const chunk = sha256();
      chunk.update(bytes);
      same = equalBytes(chunk.digest(), entry.chunkHashes[index]);
      return same ? undefined : false;
    });
    return same && read === entry.size;
  } finally {
    await handle.close();
  }
}

/** Which chunks a partial file from an earlier attempt holds, each re-hashed against the manifest. */
async function partialHolding(
  parent: string,
  t: Target,
  sha256: Sha256Factory,
  chunkSize: number,
): Promise<FileHolding> {
  const at = join(parent, partName(t.name));
  const kind = await kindAt(at);
  if (kind === 'missing') return { state: 'none', verifiedChunks: new Set() };
  if (kind === 'link') throw new UnsafePathError(`${t.entry.path}: its partial file is a symbolic link`);
  if (kind !== 'file')
    throw new PathConflictError(`${t.entry.path}: its partial file's name is taken by a folder`);
  const handle = await open(at, constants.O_RDONLY | constants.O_NOFOLLOW);
  const verified = new Set<number>();
  try {
    const size = Math.min((await handle.stat()).size, t.entry.size);
    await readChunks(handle, size, chunkSize, (index, bytes) => {
      // Only whole chunks count; a chunk cut short by the end of the partial file is fetched again.
      if (bytes.byteLength !== Math.min(chunkSize, t.entry.size - index * chunkSize)) return false;
      const chunk = sha256();
      chunk.update(bytes);
      if (equalBytes(chunk.digest(), t.entry.chunkHashes[index])) verified.add(index);
      return undefined;
    });
  } finally {
    await handle.close();
  }
  return { state: verified.size > 0 ? 'partial' : 'none', verifiedChunks: verified };
}

/** Bytes an unprivileged writer may still use on the file system holding `dir` (or its nearest existing parent). */
async function freeBytes(dir: string): Promise<number> {
  for (let at = dir; ; at = dirname(at)) {
    try {
      const st = await statfs(at);
      return st.bavail * st.bsize;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw error;
    }
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (!b || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
