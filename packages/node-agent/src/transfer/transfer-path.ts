/**
 * The file-name rules both ends of a Node transfer hold a path to (docs/PROTOCOL.md, "File
 * transfer"): relative, `/`-separated, every segment a plain name. The manifest decoder refuses the
 * same paths; the sink checks again because it is the last step before the disk.
 */
import { UnsafePathError } from '@lanrtc/signal-core/transfer';

/** Bytes a path segment may have: NAME_MAX on Linux, ext4 and most other file systems. */
export const MAX_SEGMENT_BYTES = 255;

/** What a partial file's temporary name ends with; no transferred path may end with it. */
export const PART_SUFFIX = '.lanrtc-part';

/** Whether `text` has a control character (C0, DEL or C1): never in a name this side writes or offers. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** The segments of a transfer path, each checked; `UnsafePathError` names the path and the rule it breaks. */
export function transferPathSegments(path: string): string[] {
  const segments = path.split('/');
  for (const segment of segments) {
    const why = segmentProblem(segment);
    if (why) throw new UnsafePathError(`transfer path ${JSON.stringify(path)}: ${why}`);
  }
  if (/^[A-Za-z]:/u.test(path))
    throw new UnsafePathError(`transfer path ${JSON.stringify(path)}: a drive letter`);
  return segments;
}

function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'an empty segment (absolute path or `//`)';
  if (segment === '.' || segment === '..') return 'a `.` or `..` segment';
  if (segment.includes('\\')) return 'a backslash';
  if (hasControl(segment)) return 'a control character';
  if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES)
    return `a segment over ${MAX_SEGMENT_BYTES} bytes`;
  if (segment.endsWith(PART_SUFFIX)) return `a name ending in ${PART_SUFFIX} (reserved for partial files)`;
  return undefined;
}
