/**
 * Base45 (RFC 9285): bytes → characters of the QR alphanumeric set, so a QR code can use its
 * alphanumeric mode (5.5 bits per character instead of 8 in byte mode).
 */
import { MalformedInputError } from '../errors.js';

/** The 45 characters, in value order (RFC 9285 §4 table 1). */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const VALUE = new Map<string, number>(Array.from(BASE45_ALPHABET, (ch, i) => [ch, i]));

/** Encode bytes as base45 text (RFC 9285 §4: two bytes → three characters, a last odd byte → two). */
export function toBase45(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    let n = (bytes[i] as number) * 256 + (bytes[i + 1] as number);
    for (let k = 0; k < 3; k++) {
      out += BASE45_ALPHABET.charAt(n % 45);
      n = Math.floor(n / 45);
    }
  }
  if (i < bytes.length) {
    const n = bytes[i] as number;
    out += BASE45_ALPHABET.charAt(n % 45) + BASE45_ALPHABET.charAt(Math.floor(n / 45));
  }
  return out;
}

/** Decode base45 text; any character outside the alphabet, a bad length or an overflowing group is `MalformedInputError`. */
export function fromBase45(text: string): Uint8Array {
  // RFC 9285 §4.2: a group is 3 characters (2 bytes) or, last, 2 characters (1 byte).
  if (text.length % 3 === 1) throw new MalformedInputError('base45: length leaves a single character');
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  const digit = (i: number): number => {
    const v = VALUE.get(text.charAt(i));
    if (v === undefined) throw new MalformedInputError('base45: character outside the alphabet');
    return v;
  };
  let o = 0;
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const n = digit(i) + digit(i + 1) * 45 + digit(i + 2) * 2025;
    // RFC 9285 §6: values above 65535 are invalid, not wrapped.
    if (n > 0xffff) throw new MalformedInputError('base45: group value above 65535');
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < text.length) {
    const n = digit(i) + digit(i + 1) * 45;
    if (n > 0xff) throw new MalformedInputError('base45: final group value above 255');
    out[o++] = n;
  }
  return out;
}
