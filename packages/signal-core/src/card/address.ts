/**
 * Compact network addresses for cards: `u8 kind` then the address — 1 = IPv4 `raw[4]`,
 * 2 = IPv6 `raw[16]`, 3 = host name `string` (≤ 253 bytes, RFC 1123 §2.1 labels). Text forms are
 * strict: dotted-quad without leading zeros (no octal ambiguity), IPv6 per RFC 4291 §2.2 without zone
 * ids, printed back in RFC 5952 §4 canonical form.
 */

import { formatIPv6, parseIPv4, parseIPv6 } from '../encoding/ip.js';
import type { ByteReader } from '../encoding/reader.js';
import type { ByteWriter } from '../encoding/writer.js';
import { MalformedInputError } from '../errors.js';

const KIND_IPV4 = 1;
const KIND_IPV6 = 2;
const KIND_HOST = 3;
const MAX_HOST_BYTES = 253;

/**
 * True for an RFC 1123 §2.1 host name (letters, digits, hyphens; labels ≤ 63; total ≤ 253) whose
 * last label is not all digits (§2.1: so it can never be mistaken for a dotted-quad address).
 */
export function isHostName(text: string): boolean {
  if (text.length === 0 || text.length > MAX_HOST_BYTES) return false;
  const labels = text.split('.');
  if (/^[0-9]+$/.test(labels[labels.length - 1] as string)) return false;
  return labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** True for an mDNS host name (`<labels>.local`, RFC 6762 §3), as ICE mDNS candidates use. */
export function isLocalHostName(text: string): boolean {
  return isHostName(text) && /\.local$/i.test(text) && text.length > '.local'.length;
}

/** Write an address; the caller has validated it (returns false when it is none of the three kinds). */
export function writeAddress(w: ByteWriter, address: string): boolean {
  const v4 = parseIPv4(address);
  if (v4) {
    w.u8(KIND_IPV4).raw(v4);
    return true;
  }
  const v6 = parseIPv6(address);
  if (v6) {
    w.u8(KIND_IPV6).raw(v6);
    return true;
  }
  if (!isHostName(address)) return false;
  w.u8(KIND_HOST).string(address);
  return true;
}

/** Read an address written by `writeAddress`; throws `MalformedInputError`. */
export function readAddress(r: ByteReader, field: string): string {
  const kind = r.u8(`${field} kind`);
  if (kind === KIND_IPV4) return Array.from(r.raw(field, 4)).join('.');
  if (kind === KIND_IPV6) return formatIPv6(r.raw(field, 16));
  if (kind === KIND_HOST) {
    const host = r.string(field, MAX_HOST_BYTES);
    if (!isHostName(host)) throw new MalformedInputError(`invalid host name: ${field}`);
    return host;
  }
  throw new MalformedInputError(`unknown address kind ${kind}: ${field}`);
}
