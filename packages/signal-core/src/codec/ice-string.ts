/**
 * ICE ufrag/pwd packing. Both are 1*256 `ice-char` (RFC 8839 §5.4: ALPHA / DIGIT / "+" / "/"), a
 * 64-character set, so 6 bits per character: Chromium's 24-character pwd takes 18 bytes, not 24.
 * Real credentials are carried unchanged — lanrtc never munges or replaces them.
 */

import type { ByteReader } from '../encoding/reader.js';
import type { ByteWriter } from '../encoding/writer.js';
import { MalformedInputError } from '../errors.js';

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INDEX = new Map<string, number>(Array.from(ICE_CHARS, (c, i) => [c, i]));

/** True when `s` is `min`..`max` ice-chars. */
export function isIceString(s: string, min: number, max: number): boolean {
  return s.length >= min && s.length <= max && /^[A-Za-z0-9+/]*$/.test(s);
}

/** Varuint character count, then the characters at 6 bits each, MSB first, zero-padded to a byte. */
export function writeIceString(w: ByteWriter, s: string): void {
  w.varuint(s.length);
  const out = new Uint8Array(Math.ceil((s.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const ch of s) {
    acc = ((acc << 6) | (INDEX.get(ch) as number)) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (bits > 0) out[o] = (acc << (8 - bits)) & 0xff;
  w.raw(out);
}

/** Read a packed ice string of `min`..`max` characters; non-zero padding bits are `MalformedInputError`. */
export function readIceString(r: ByteReader, field: string, min: number, max: number): string {
  const n = r.varuint(field, max);
  if (n < min) throw new MalformedInputError(`too short: ${field}`);
  const bytes = r.raw(field, Math.ceil((n * 6) / 8));
  let acc = 0;
  let bits = 0;
  let s = '';
  let i = 0;
  while (s.length < n) {
    if (bits < 6) {
      acc = ((acc << 8) | (bytes[i++] as number)) & 0xffff;
      bits += 8;
    }
    bits -= 6;
    s += ICE_CHARS.charAt((acc >> bits) & 63);
  }
  // Canonical: the padding bits are zero, so one string has exactly one encoding.
  if ((acc & ((1 << bits) - 1)) !== 0) throw new MalformedInputError(`non-zero padding: ${field}`);
  return s;
}
