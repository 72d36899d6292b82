/**
 * Card creation: validate, encode compactly and sign under `lanrtc/card/v1`
 * (layout: docs/PROTOCOL.md §"Cards").
 */

import { FINGERPRINT_BYTES } from '../encoding/fingerprint.js';
import { ByteWriter } from '../encoding/writer.js';
import { InvalidArgumentError } from '../errors.js';
import { type Identity, signWithDomain } from '../identity/identity.js';
import { writeAddress } from './address.js';
import { packIceChars } from './ice-chars.js';
import {
  candidateAddressProblem,
  DEVICE_TOKEN,
  iceProblem,
  nameProblem,
  portProblem,
  relayHostProblem,
  relayPathProblem,
} from './rules.js';
import {
  CARD_DOMAIN,
  CARD_FLAG_CUSTOM_TYPES,
  CARD_FLAG_NEXT_FINGERPRINT,
  CARD_FLAG_RELAY,
  CARD_VERSION,
  type CardInit,
  MAX_CARD_BYTES,
  MAX_CARD_CANDIDATES,
  MAX_CUSTOM_DEVICE_TYPES,
  WELL_KNOWN_DEVICE_TYPES,
} from './types.js';

const DEFAULT_LIFETIME_S = 24 * 60 * 60;

function check(problem: string | undefined): void {
  if (problem) throw new InvalidArgumentError(problem);
}

/** Sort device types into the well-known bitmask plus custom tokens (deduplicated, order kept). */
function splitDeviceTypes(types: readonly string[]): { mask: number; custom: string[] } {
  let mask = 0;
  const custom: string[] = [];
  for (const t of types) {
    const bit = (WELL_KNOWN_DEVICE_TYPES as readonly string[]).indexOf(t);
    if (bit >= 0) mask |= 1 << bit;
    else if (!DEVICE_TOKEN.test(t))
      throw new InvalidArgumentError('device type must match [a-z][a-z0-9-]{0,15}');
    else if (!custom.includes(t)) custom.push(t);
  }
  if (custom.length > MAX_CUSTOM_DEVICE_TYPES)
    throw new InvalidArgumentError(`at most ${MAX_CUSTOM_DEVICE_TYPES} custom device types`);
  return { mask, custom };
}

/** Build and sign a card for `identity`; throws `InvalidArgumentError` on any out-of-bounds field. */
export function createCard(identity: Identity, init: CardInit): Uint8Array {
  check(nameProblem(init.name));
  const { mask, custom } = splitDeviceTypes(init.deviceTypes);
  if (init.fingerprint.length !== FINGERPRINT_BYTES)
    throw new InvalidArgumentError('fingerprint must be 32 bytes');
  if (init.nextFingerprint && init.nextFingerprint.length !== FINGERPRINT_BYTES)
    throw new InvalidArgumentError('next fingerprint must be 32 bytes');
  check(iceProblem(init.ice.ufrag, init.ice.pwd));
  if (init.candidates.length > MAX_CARD_CANDIDATES)
    throw new InvalidArgumentError(`at most ${MAX_CARD_CANDIDATES} candidates`);
  for (const c of init.candidates) {
    check(candidateAddressProblem(c.address));
    check(portProblem(c.port));
  }
  if (init.relay) {
    check(relayHostProblem(init.relay.host));
    check(portProblem(init.relay.port));
    if (init.relay.path !== undefined) check(relayPathProblem(init.relay.path));
  }
  const issuedAt = init.issuedAt ?? Math.floor(Date.now() / 1000);
  const expiresAt = init.expiresAt ?? issuedAt + DEFAULT_LIFETIME_S;
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0)
    throw new InvalidArgumentError('issuedAt must be a non-negative integer (seconds)');
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= issuedAt)
    throw new InvalidArgumentError('expiresAt must be an integer after issuedAt (seconds)');

  const flags =
    (init.nextFingerprint ? CARD_FLAG_NEXT_FINGERPRINT : 0) |
    (init.relay ? CARD_FLAG_RELAY : 0) |
    (custom.length > 0 ? CARD_FLAG_CUSTOM_TYPES : 0);
  const w = new ByteWriter().u8(CARD_VERSION).raw(identity.publicKey).string(init.name).u8(flags).u8(mask);
  if (custom.length > 0) {
    w.u8(custom.length);
    for (const t of custom) w.string(t);
  }
  w.raw(init.fingerprint);
  if (init.nextFingerprint) w.raw(init.nextFingerprint);
  w.u8(init.ice.ufrag.length)
    .varuint(init.ice.pwd.length)
    .raw(packIceChars(init.ice.ufrag + init.ice.pwd));
  w.u8(init.candidates.length);
  for (const c of init.candidates) {
    writeAddress(w, c.address);
    w.u8(c.port >> 8).u8(c.port & 0xff); // big-endian, network order
  }
  if (init.relay) {
    writeAddress(w, init.relay.host);
    w.u8(init.relay.port >> 8).u8(init.relay.port & 0xff);
    w.string(init.relay.path ?? '');
  }
  // Lifetime rather than absolute expiry: two or three bytes instead of five.
  w.varuint(issuedAt).varuint(expiresAt - issuedAt);
  const body = w.finish();
  const bytes = new ByteWriter()
    .raw(body)
    .raw(signWithDomain(identity, CARD_DOMAIN, body))
    .finish();
  if (bytes.length > MAX_CARD_BYTES) throw new InvalidArgumentError(`card exceeds ${MAX_CARD_BYTES} bytes`);
  return bytes;
}
