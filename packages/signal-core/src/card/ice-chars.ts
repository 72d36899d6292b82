/**
 * ICE ufrag/pwd packing. RFC 8839 §5.4: `ice-char = ALPHA / DIGIT / "+" / "/"` — exactly 64
 * symbols, so each character packs into 6 bits (25 % smaller than ASCII). Bits are written
 * most-significant first; unused bits of the last byte must be zero, so each string has one encoding.
 */
const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** True when every character of `text` is an ice-char. */
export function isIceChars(text: string): boolean {
  return /^[A-Za-z0-9+/]*$/.test(text);
}

/** Bytes needed to pack `chars` ice-chars. */
export function packedIceLength(chars: number): number {
  return Math.ceil((chars * 6) / 8);
}

/** Pack ice-chars 6 bits each; the caller has checked `isIceChars`. */
export function packIceChars(text: string): Uint8Array {
  const out = new Uint8Array(packedIceLength(text.length));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const ch of text) {
    acc = ((acc << 6) | ICE_CHARS.indexOf(ch)) & 0x3fff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (bits > 0) out[o] = (acc << (8 - bits)) & 0xff;
  return out;
}

/** Unpack `chars` ice-chars; undefined when the padding bits are not zero. */
export function unpackIceChars(bytes: Uint8Array, chars: number): string | undefined {
  let out = '';
  let acc = 0;
  let bits = 0;
  let i = 0;
  while (out.length < chars) {
    if (bits < 6) {
      acc = ((acc << 8) | (bytes[i++] ?? 0)) & 0x3fff;
      bits += 8;
    }
    bits -= 6;
    out += ICE_CHARS.charAt((acc >> bits) & 63);
  }
  if ((acc & ((1 << bits) - 1)) !== 0 || i !== bytes.length) return undefined;
  return out;
}
