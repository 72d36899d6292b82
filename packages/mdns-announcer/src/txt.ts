/**
 * The lanrtc TXT record (RFC 6763 §6): readable hints `v`, `id`, `n`, `t` plus the signed card as one
 * binary string `c=<bytes>`. Only the card is trusted; the hints are for humans and tools such as
 * `avahi-browse`. A browser checks `v` and that `id` names the verified card (else the record is
 * treated as forged); `n` and `t` are not checked (docs/PROTOCOL.md "mDNS / DNS-SD profile").
 */
import { MalformedInputError } from '@lanrtc/signal-core';
import { utf8 } from '@lanrtc/signal-core/codec';
import type { VerifiedCard } from './card.js';
import { CardTooLargeError } from './errors.js';

/** Largest card carried in TXT: 255 per string (RFC 6763 §6.1) minus `c=`, with a small margin. */
export const MAX_TXT_CARD_BYTES = 250;

/** TXT format version written as `v=1`. */
export const TXT_VERSION = '1';

/** Most strings and total bytes accepted in a received TXT record; more is garbage (RFC 6763 §6.2 suggests ≤ 1300). */
const MAX_TXT_STRINGS = 16;
const MAX_TXT_TOTAL = 1300;

/** Build the TXT strings for a verified card; throws `CardTooLargeError` rather than truncating. */
export function encodeServiceTxt(cardBytes: Uint8Array, card: VerifiedCard): Buffer[] {
  if (cardBytes.length > MAX_TXT_CARD_BYTES) {
    throw new CardTooLargeError(
      `card is ${cardBytes.length} bytes; at most ${MAX_TXT_CARD_BYTES} fit in one TXT string`,
    );
  }
  const strings = [
    Buffer.from(utf8(`v=${TXT_VERSION}`)),
    Buffer.from(utf8(`id=${card.id}`)),
    Buffer.from(utf8(`n=${card.name}`)),
    Buffer.from(utf8(`t=${card.deviceTypes.join(',')}`)),
    Buffer.concat([Buffer.from('c='), cardBytes]),
  ];
  // The patched dns-packet refuses a string over 255 bytes when a packet is encoded; checking here
  // turns that into a typed error from announce/update instead of packets that never leave.
  for (const s of strings) {
    if (s.length > 255) throw new CardTooLargeError('a TXT string would exceed 255 bytes');
  }
  return strings;
}

/** What a received lanrtc TXT record claims, before the card is verified. */
export interface ServiceTxt {
  readonly card: Uint8Array;
  /** The `id=` hint, if present; must equal the verified card's id. */
  readonly id?: string;
}

/** Parse a received TXT record; throws `MalformedInputError` for garbage, oversize or a missing card. */
export function decodeServiceTxt(data: unknown): ServiceTxt {
  const strings = Array.isArray(data) ? data : [data];
  if (strings.length > MAX_TXT_STRINGS) throw new MalformedInputError('too many TXT strings');
  let total = 0;
  let card: Uint8Array | undefined;
  let id: string | undefined;
  let version: string | undefined;
  const seen = new Set<string>();
  for (const s of strings) {
    if (!(s instanceof Uint8Array)) throw new MalformedInputError('TXT string is not bytes');
    total += s.length + 1;
    if (total > MAX_TXT_TOTAL) throw new MalformedInputError('TXT record too large');
    const eq = s.indexOf(0x3d);
    if (eq <= 0) continue; // boolean attribute or empty string (RFC 6763 §6.4): ignored
    const key = decodeKey(s.subarray(0, eq));
    // RFC 6763 §6.4: only the first occurrence of a key counts.
    if (seen.has(key)) continue;
    seen.add(key);
    const value = s.subarray(eq + 1);
    if (key === 'c') card = new Uint8Array(value);
    else if (key === 'id') id = decodeText(value);
    else if (key === 'v') version = decodeText(value);
  }
  if (version !== TXT_VERSION) throw new MalformedInputError('missing or unsupported TXT v=');
  if (!card || card.length === 0) throw new MalformedInputError('TXT record carries no card');
  if (card.length > MAX_TXT_CARD_BYTES) throw new MalformedInputError('TXT card too large');
  return id === undefined ? { card } : { card, id };
}

/** RFC 6763 §6.4: a key is printable US-ASCII (0x20–0x7E, no `=`), compared case-insensitively. */
function decodeKey(bytes: Uint8Array): string {
  for (const b of bytes) {
    if (b < 0x20 || b > 0x7e) throw new MalformedInputError('TXT key is not printable US-ASCII');
  }
  return Buffer.from(bytes).toString('latin1').toLowerCase();
}

function decodeText(value: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch (cause) {
    throw new MalformedInputError('TXT value is not UTF-8', { cause });
  }
}
