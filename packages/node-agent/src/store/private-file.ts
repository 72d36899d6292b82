/**
 * Owner-only files written so that a crash never leaves a half-written one (docs/ARCHITECTURE.md
 * "The objects": a crash never corrupts the trust store). The recipe: write a temporary file in the same directory (created
 * O_EXCL, mode 0600), fsync it, rename (or link, for create-if-absent) it over the target, fsync the
 * directory. rename(2) replaces the target atomically (POSIX.1-2017 rename: "a link named new shall
 * remain visible to other threads throughout the renaming operation"), so readers and a restart see
 * either the old or the new content; the fsyncs make the new content and the new directory entry
 * durable before the caller's promise resolves.
 */
import { randomBytes } from 'node:crypto';
import { chmod, type FileHandle, link, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CorruptStoreError } from '@lanrtc/signal-core';
import { InsecureFileModeError } from '../errors.js';

/** Unix permissions are not meaningful on Windows (ACLs); mode checks and chmods are skipped there. */
const POSIX = process.platform !== 'win32';

/** Create `dir` (and missing parents) 0700; directories that already exist are left as they are. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask; set it exactly on the directory we created.
  if (first !== undefined && POSIX) await chmod(dir, 0o700);
}

/** Options for reading a private file. */
export interface ReadPrivateFileOptions {
  /** Accept a file that group/others can access (default false: `InsecureFileModeError`). */
  readonly allowInsecureMode?: boolean;
  /** Larger files are `CorruptStoreError` (a store never grows this big; a wrong path might). */
  readonly maxBytes: number;
}

/** The file's text, or undefined when it does not exist; checks the mode on the open handle (no TOCTOU). */
export async function readPrivateFile(
  file: string,
  options: ReadPrivateFileOptions,
): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (cause) {
    if (errorCode(cause) === 'ENOENT') return undefined;
    throw cause;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new CorruptStoreError(`${file} is not a regular file`);
    if (POSIX && !options.allowInsecureMode && (st.mode & 0o077) !== 0) {
      throw new InsecureFileModeError(
        `${file} has mode ${(st.mode & 0o777).toString(8)}; it must be 600 (chmod 600 '${file}')`,
      );
    }
    if (st.size > options.maxBytes)
      throw new CorruptStoreError(`${file} is larger than ${options.maxBytes} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Write `text` to `file` atomically with mode 0600. With `replace: false` the file is only created
 * (link(2) fails with EEXIST instead of replacing), so two processes creating it at once agree on one
 * winner; resolves to false when the file already existed (nothing written).
 */
export async function writePrivateFileAtomic(file: string, text: string, replace: boolean): Promise<boolean> {
  const dir = dirname(file);
  const temp = join(dir, tempName(basename(file)));
  try {
    // 'wx' = O_CREAT | O_EXCL | O_WRONLY: never follows or reuses someone else's file at that name.
    const handle = await open(temp, 'wx', 0o600);
    try {
      if (POSIX) await handle.chmod(0o600); // the umask may have removed owner bits
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    let written = true;
    if (replace) {
      await rename(temp, file);
    } else {
      try {
        await link(temp, file);
      } catch (cause) {
        if (errorCode(cause) !== 'EEXIST') throw cause;
        written = false;
      }
      await unlink(temp);
    }
    await syncDir(dir);
    return written;
  } catch (cause) {
    await unlink(temp).catch(() => undefined);
    throw cause;
  }
}

/** Remove temporary files a killed writer of `file` left behind (their writer pid no longer runs). */
export async function removeStaleTemps(file: string): Promise<void> {
  const base = basename(file);
  let names: string[];
  try {
    names = await readdir(dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = tempOwner(base, name);
    if (pid !== undefined && !processRuns(pid))
      await unlink(join(dirname(file), name)).catch(() => undefined);
  }
}

/** Whether process `pid` exists on this host (EPERM: it exists but belongs to another user). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    return errorCode(cause) === 'EPERM';
  }
}

/** The `code` of a Node system error, if any. */
export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

const tempName = (base: string): string => `${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;

function tempOwner(base: string, name: string): number | undefined {
  if (!name.startsWith(`${base}.`) || !name.endsWith('.tmp')) return undefined;
  const m = /^(\d+)\.[0-9a-f]{12}$/.exec(name.slice(base.length + 1, -'.tmp'.length));
  return m?.[1] ? Number(m[1]) : undefined;
}

/** fsync the directory so the rename/link itself survives a power loss (the file's fsync does not cover it). */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (cause) {
    // Windows cannot open or fsync a directory; some filesystems refuse directory fsync (EINVAL).
    const code = errorCode(cause);
    if (!(code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'EBADF')) throw cause;
  } finally {
    await handle?.close();
  }
}
