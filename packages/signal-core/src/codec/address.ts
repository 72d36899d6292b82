/**
 * Candidate connection addresses in binary form: IPv4 (4 bytes), IPv6 (16 bytes, printed per RFC 5952
 * §4), mDNS `UUID.local` names (16 bytes: browsers hide host IPs behind a random v4 UUID,
 * draft-ietf-mmusic-mdns-ice-candidates §3.1.1) and, as a fallback, any other hostname as a string.
 */

import { fromHex, toHex } from '../encoding/bytes.js';
import { formatIPv6, parseIPv4, parseIPv6 } from '../encoding/ip.js';
import type { ByteReader } from '../encoding/reader.js';
import type { ByteWriter } from '../encoding/writer.js';
import { MalformedInputError, UnsupportedSdpError } from '../errors.js';

/** Address form codes (2 bits in a candidate header). */
export const ADDR_IPV4 = 0;
/** IPv6, 16 raw bytes. */
export const ADDR_IPV6 = 1;
/** Lowercase canonical `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.local`, 16 raw bytes. */
export const ADDR_MDNS = 2;
/** Any other hostname, as a length-prefixed string. */
export const ADDR_NAME = 3;

const MDNS_UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\.local$/;
// RFC 1123 host name characters; length per RFC 1035 §2.3.4.
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const MAX_NAME = 253;

/** Classify and canonicalise a candidate address; throws `UnsupportedSdpError` for anything else (zone ids…). */
export function canonicalAddress(text: string): string {
  if (parseIPv4(text) !== undefined || MDNS_UUID.test(text)) return text;
  const v6 = parseIPv6(text);
  if (v6) return formatIPv6(v6);
  if (HOSTNAME.test(text) && !/^[\d.]+$/.test(text)) return text;
  throw new UnsupportedSdpError('candidate address is not IPv4, IPv6 or a hostname');
}

/** Which form an address (already canonical) takes on the wire. */
export function addressForm(text: string): number {
  if (parseIPv4(text) !== undefined) return ADDR_IPV4;
  if (MDNS_UUID.test(text)) return ADDR_MDNS;
  if (parseIPv6(text)) return ADDR_IPV6;
  return ADDR_NAME;
}

/** Write an address in its form (the form itself is written by the caller). */
export function writeAddress(w: ByteWriter, form: number, text: string): void {
  if (form === ADDR_IPV4) w.raw(Uint8Array.from(text.split('.'), Number));
  else if (form === ADDR_IPV6) w.raw(parseIPv6(text) as Uint8Array);
  else if (form === ADDR_MDNS) w.raw(fromHex(text.slice(0, 36).replaceAll('-', '')) as Uint8Array);
  else w.string(text);
}

/** Read an address of the given form; names are validated like the parser validates them. */
export function readAddress(r: ByteReader, form: number, field: string): string {
  if (form === ADDR_IPV4) return Array.from(r.raw(field, 4)).join('.');
  if (form === ADDR_IPV6) {
    return formatIPv6(r.raw(field, 16));
  }
  if (form === ADDR_MDNS) {
    const h = toHex(r.raw(field, 16));
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}.local`;
  }
  const name = r.string(field, MAX_NAME);
  // Canonical: a name that fits another form must use it (one encoding per address).
  if (!HOSTNAME.test(name) || /^[\d.]+$/.test(name) || MDNS_UUID.test(name) || parseIPv6(name))
    throw new MalformedInputError(`not a canonical host name: ${field}`);
  return name;
}
