/**
 * Candidate connection addresses in binary form: IPv4 (4 bytes), IPv6 (16 bytes, printed per RFC 5952
 * §4), mDNS `UUID.local` names (16 bytes: browsers hide host IPs behind a random v4 UUID,
 * draft-ietf-mmusic-mdns-ice-candidates §3.1.1) and, as a fallback, any other hostname as a string.
 */

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

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const MDNS_UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\.local$/;
// RFC 1123 host name characters; length per RFC 1035 §2.3.4.
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const MAX_NAME = 253;

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Parse IPv6 text (with `::` and an optional embedded dotted IPv4 tail) into 16 bytes, or undefined. */
export function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(text)) return undefined;
  let s = text;
  const lastColon = s.lastIndexOf(':');
  const v4 = s.slice(lastColon + 1);
  if (v4.includes('.')) {
    // RFC 4291 §2.2 form 3: the last 32 bits as dotted IPv4; rewrite them as two hex words.
    if (!IPV4.test(v4)) return undefined;
    const p = v4.split('.').map(Number);
    const hi = (((p[0] as number) << 8) | (p[1] as number)).toString(16);
    const lo = (((p[2] as number) << 8) | (p[3] as number)).toString(16);
    s = `${s.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = group(halves[0] as string);
  const rest = halves.length === 2 ? group(halves[1] as string) : [];
  if (!head || !rest) return undefined;
  let all: number[];
  if (halves.length === 2) {
    const gap = 8 - head.length - rest.length;
    if (gap < 1) return undefined;
    all = [...head, ...new Array<number>(gap).fill(0), ...rest];
  } else {
    if (head.length !== 8) return undefined;
    all = head;
  }
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** Format 16 bytes as RFC 5952 §4 canonical IPv6 text (lowercase, longest zero run of ≥2 words as `::`). */
export function formatIpv6(b: Uint8Array): string {
  const w = Array.from({ length: 8 }, (_, i) => ((b[2 * i] as number) << 8) | (b[2 * i + 1] as number));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const txt = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (bestLen < 2) return txt(w);
  return `${txt(w.slice(0, bestStart))}::${txt(w.slice(bestStart + bestLen))}`;
}

/** Classify and canonicalise a candidate address; throws `UnsupportedSdpError` for anything else (zone ids…). */
export function canonicalAddress(text: string): string {
  if (IPV4.test(text) || MDNS_UUID.test(text)) return text;
  const v6 = parseIpv6(text);
  if (v6) return formatIpv6(v6);
  if (HOSTNAME.test(text) && !/^[\d.]+$/.test(text)) return text;
  throw new UnsupportedSdpError('candidate address is not IPv4, IPv6 or a hostname');
}

/** Which form an address (already canonical) takes on the wire. */
export function addressForm(text: string): number {
  if (IPV4.test(text)) return ADDR_IPV4;
  if (MDNS_UUID.test(text)) return ADDR_MDNS;
  if (parseIpv6(text)) return ADDR_IPV6;
  return ADDR_NAME;
}

/** Write an address in its form (the form itself is written by the caller). */
export function writeAddress(w: ByteWriter, form: number, text: string): void {
  if (form === ADDR_IPV4) w.raw(Uint8Array.from(text.split('.'), Number));
  else if (form === ADDR_IPV6) w.raw(parseIpv6(text) as Uint8Array);
  else if (form === ADDR_MDNS) w.raw(hexBytes(text.slice(0, 36).replaceAll('-', '')));
  else w.string(text);
}

/** Read an address of the given form; names are validated like the parser validates them. */
export function readAddress(r: ByteReader, form: number, field: string): string {
  if (form === ADDR_IPV4) return Array.from(r.raw(field, 4)).join('.');
  if (form === ADDR_IPV6) {
    return formatIpv6(r.raw(field, 16));
  }
  if (form === ADDR_MDNS) {
    const h = hex(r.raw(field, 16));
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}.local`;
  }
  const name = r.string(field, MAX_NAME);
  // Canonical: a name that fits another form must use it (one encoding per address).
  if (!HOSTNAME.test(name) || /^[\d.]+$/.test(name) || MDNS_UUID.test(name) || parseIpv6(name))
    throw new MalformedInputError(`not a canonical host name: ${field}`);
  return name;
}
