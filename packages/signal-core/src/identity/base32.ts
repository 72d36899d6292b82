/** Lowercase RFC 4648 §6 base32 without padding: case-insensitive, readable identity ids. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Encode bytes as lowercase base32 (no padding). */
export function toBase32(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET.charAt((acc >> bits) & 31);
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET.charAt((acc << (5 - bits)) & 31);
  return out;
}

/**
 * Decode lowercase or uppercase base32 (no padding); undefined for a character outside the alphabet
 * or non-zero trailing bits (RFC 4648 §6: one text per byte string, so a decoded value re-encodes equal).
 */
export function fromBase32(text: string): Uint8Array | undefined {
  const lower = text.toLowerCase();
  const out = new Uint8Array(Math.floor((lower.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (const ch of lower) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits (fewer than 8) must be zero padding; 5 or more left means a dangling character.
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
