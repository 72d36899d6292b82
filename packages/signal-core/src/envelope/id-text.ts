/**
 * Identity id text ↔ bytes. Ids are 16 bytes shown as 26 lowercase base32 characters
 * (RFC 4648 §6, no padding); envelopes carry the raw 16 bytes to stay small.
 */
import { fromBase32 } from '../identity/base32.js';
import { ID_BYTES } from '../identity/identity.js';

const ID_TEXT_LENGTH = Math.ceil((ID_BYTES * 8) / 5);

/**
 * Decode an id text to its 16 bytes; undefined unless it is exactly the canonical form: 26
 * lowercase characters (26 carry 130 bits, and `fromBase32` refuses non-zero trailing bits, so no
 * two texts name one id).
 */
export function idBytesFromText(text: string): Uint8Array | undefined {
  if (text.length !== ID_TEXT_LENGTH || text !== text.toLowerCase()) return undefined;
  return fromBase32(text);
}
