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
