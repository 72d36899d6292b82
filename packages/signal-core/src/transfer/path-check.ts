/**
 * Path safety of a transfer manifest: every path must land inside the receiver's target directory
 * on every platform, whatever the receiving file system. Checked by the decoder, so a manifest that
 * decodes is safe to join under a directory (the sink still resolves and checks symlinks).
 */
import { utf8 } from '../encoding/bytes.js';
import { UnsafePathError } from '../errors.js';
import { MAX_PATH_BYTES, MAX_SEGMENT_BYTES } from './limits.js';

/** C0 controls (NUL included), DEL and C1 controls: never in a name a user chose, and terminals act on some. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}
// `C:` opens a drive-relative path on Windows, and `name:stream` an alternate data stream.
const DRIVE = /^[A-Za-z]:/;

/** Throw `UnsafePathError` unless `path` is a safe relative path (`/`-separated, no `.`/`..`/empty segment, no `\`, NUL, control character or drive letter). */
export function checkTransferPath(path: string): void {
  if (path.length === 0) throw new UnsafePathError('empty path');
  if (utf8(path).length > MAX_PATH_BYTES)
    throw new UnsafePathError(`path longer than ${MAX_PATH_BYTES} bytes`);
  if (hasControl(path)) throw new UnsafePathError('path contains a NUL or control character');
  if (path.includes('\\')) throw new UnsafePathError('path contains a backslash');
  if (path.startsWith('/')) throw new UnsafePathError('absolute path');
  for (const segment of path.split('/')) {
    if (segment === '') throw new UnsafePathError('empty path segment');
    if (segment === '.' || segment === '..') throw new UnsafePathError(`"${segment}" path segment`);
    if (DRIVE.test(segment)) throw new UnsafePathError('drive letter in path');
    if (utf8(segment).length > MAX_SEGMENT_BYTES)
      throw new UnsafePathError(`path segment longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
}

/** Throw `UnsafePathError` when two files share a path or one file's path is a directory of another's. */
export function checkPathSet(paths: readonly string[]): void {
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const path of paths) {
    if (files.has(path)) throw new UnsafePathError('duplicate path in manifest');
    if (dirs.has(path)) throw new UnsafePathError('a file path is also a directory of another file');
    files.add(path);
    let cut = path.lastIndexOf('/');
    while (cut > 0) {
      const dir = path.slice(0, cut);
      if (files.has(dir)) throw new UnsafePathError('a file path is also a directory of another file');
      if (dirs.has(dir)) break; // its ancestors are in the set already
      dirs.add(dir);
      cut = dir.lastIndexOf('/');
    }
  }
}
