/**
 * Directories under a transfer's target that are safe to write into: every component below the
 * target is a real directory (never a symbolic link, which could point anywhere), created one at a
 * time when missing, and the result still resolves inside the target.
 */

import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { UnsafePathError } from '@lanrtc/signal-core';
import { PathConflictError } from '../errors.js';

/** What is at `absolute` without following a link: `missing`, `dir`, `file`, `link` or `other`. */
export async function kindAt(absolute: string): Promise<'missing' | 'dir' | 'file' | 'link' | 'other'> {
  try {
    const st = await lstat(absolute);
    if (st.isSymbolicLink()) return 'link';
    if (st.isDirectory()) return 'dir';
    if (st.isFile()) return 'file';
    return 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/**
 * Check the directories `segments` name under `root` without creating any: `UnsafePathError` at a
 * symbolic link, `PathConflictError` at a file. Resolves with true when they all exist.
 */
export async function checkDirs(root: string, segments: readonly string[], shown: string): Promise<boolean> {
  let at = root;
  for (const segment of segments) {
    at = join(at, segment);
    const kind = await kindAt(at);
    if (kind === 'missing') return false;
    if (kind === 'link') throw new UnsafePathError(`${shown}: ${segment} is a symbolic link on this side`);
    if (kind !== 'dir')
      throw new PathConflictError(`${shown}: ${segment} is a file on this side, not a folder`);
  }
  return true;
}

/**
 * Make the directories `segments` under `root` (a real path) and return the deepest one's path,
 * after checking it resolves inside `root`. `created` collects each directory made here, so its
 * parent's entry can be made durable.
 */
export async function ensureDirs(
  root: string,
  segments: readonly string[],
  shown: string,
  created: Set<string>,
): Promise<string> {
  let at = root;
  for (const segment of segments) {
    at = join(at, segment);
    try {
      await mkdir(at, { mode: 0o755 });
      created.add(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const kind = await kindAt(at);
    if (kind === 'link') throw new UnsafePathError(`${shown}: ${segment} is a symbolic link on this side`);
    if (kind !== 'dir')
      throw new PathConflictError(`${shown}: ${segment} is a file on this side, not a folder`);
  }
  // A component swapped for a link between the checks above still cannot carry a write outside.
  const real = await realpath(at);
  const rel = relative(root, real);
  if (real !== at || rel.startsWith(`..${sep}`) || rel === '..') {
    throw new UnsafePathError(`${shown}: its folder resolves outside the target`);
  }
  return at;
}

/** fsync a directory, so the entries created or renamed in it survive a crash (POSIX fsync(2)). */
export async function syncDir(absolute: string): Promise<void> {
  const handle = await open(absolute, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
