/**
 * Identity id text ↔ bytes. Ids are 16 bytes shown as 26 lowercase base32 characters
 * (RFC 4648 §6, no padding); envelopes carry the raw 16 bytes to stay small.
 */
import { ID_BYTES } from '../identity/identity.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const ID_TEXT_LENGTH = Math.ceil((ID_BYTES * 8) / 5);

/** Decode an id text to its 16 bytes; undefined unless it is exactly the canonical form. */
export function idBytesFromText(text: string): Uint8Array | undefined {
  if (text.length !== ID_TEXT_LENGTH) return undefined;
  const out = new Uint8Array(ID_BYTES);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // 26 chars carry 130 bits: the last 2 must be zero, or two texts would name one id.
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
