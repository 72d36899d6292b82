/**
 * Names for a received file when its own name is taken by a different file: `NAME (1).ext`,
 * `NAME (2).ext`, … (the convention of desktop file managers and browsers' downloads), and the
 * temporary name a file has until it is complete.
 */
import { createHash } from 'node:crypto';
import { MAX_SEGMENT_BYTES } from '@lanrtc/signal-core/transfer';
import { PART_SUFFIX } from './transfer-path.js';

/** The n-th alternative of `name` (n = 0 is the name itself); the extension stays last, a dotfile keeps its dot. */
export function numberedName(name: string, n: number): string {
  if (n === 0) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const suffix = ` (${n})${ext}`;
  // Shorten the stem (whole code points) so the numbered name still fits a segment.
  let cut = stem;
  while (Buffer.byteLength(cut + suffix, 'utf8') > MAX_SEGMENT_BYTES) cut = [...cut].slice(0, -1).join('');
  return cut + suffix;
}

/** `.NAME.lanrtc-part` beside the final name; a hash of the name when that would not fit a segment. */
export function partName(name: string): string {
  const plain = `.${name}${PART_SUFFIX}`;
  if (Buffer.byteLength(plain, 'utf8') <= MAX_SEGMENT_BYTES) return plain;
  return `.${createHash('sha256').update(name).digest('hex')}${PART_SUFFIX}`;
}
