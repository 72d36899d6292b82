/**
 * Card opening: decode *and* verify in one step (docs/CONTRIBUTING.md "Decoding is verifying"). Order: size bound → version
 * (`UnsupportedVersionError`) → parse (`MalformedInputError`) → signature (`InvalidSignatureError`)
 * → expiry (`CardExpiredError`).
 */
import { fromBase64Url, toBase64Url } from '../encoding/bytes.js';
import { FINGERPRINT_BYTES } from '../encoding/fingerprint.js';
import { ByteReader } from '../encoding/reader.js';
import {
  CardExpiredError,
  InvalidSignatureError,
  MalformedInputError,
  UnsupportedVersionError,
} from '../errors.js';
import { type PublicIdentity, publicIdentity, verifyWithDomain } from '../identity/identity.js';
import { readAddress } from './address.js';
import { packedIceLength, unpackIceChars } from './ice-chars.js';
import {
  candidateAddressProblem,
  DEVICE_TOKEN,
  iceProblem,
  MAX_RELAY_PATH_BYTES,
  nameProblem,
  portProblem,
  relayPathProblem,
} from './rules.js';
import {
  CARD_DOMAIN,
  CARD_FLAG_CUSTOM_TYPES,
  CARD_FLAG_NEXT_FINGERPRINT,
  CARD_FLAG_RELAY,
  CARD_VERSION,
  type Card,
  type CardCandidate,
  type CardRelay,
  MAX_CARD_BYTES,
  MAX_CARD_CANDIDATES,
  MAX_CARD_NAME_BYTES,
  MAX_CUSTOM_DEVICE_TYPES,
  WELL_KNOWN_DEVICE_TYPES,
} from './types.js';

/** Options of `openCard`. */
export interface OpenCardOptions {
  /** Current time in milliseconds since the Unix epoch (like envelopes); defaults to `Date.now()`. */
  readonly now?: number;
}

const SIGNATURE_BYTES = 64;
const KNOWN_FLAGS = CARD_FLAG_NEXT_FINGERPRINT | CARD_FLAG_RELAY | CARD_FLAG_CUSTOM_TYPES;
const KNOWN_TYPE_BITS = (1 << WELL_KNOWN_DEVICE_TYPES.length) - 1;

function check(problem: string | undefined): void {
  if (problem) throw new MalformedInputError(problem);
}

function readPort(r: ByteReader, field: string): number {
  const port = (r.u8(field) << 8) | r.u8(field);
  check(portProblem(port));
  return port;
}

/** Verify and decode a card; throws a specific `LanrtcError` for each failed check. */
export function openCard(bytes: Uint8Array, opts: OpenCardOptions = {}): Card {
  if (bytes.length > MAX_CARD_BYTES) throw new MalformedInputError(`card exceeds ${MAX_CARD_BYTES} bytes`);
  const r = new ByteReader(bytes);
  const version = r.u8('card version');
  if (version !== CARD_VERSION) throw new UnsupportedVersionError(`card version ${version}`);

  const publicKey = r.raw('card public key', 32);
  const name = r.string('card name', MAX_CARD_NAME_BYTES);
  check(nameProblem(name));
  const flags = r.u8('card flags');
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new MalformedInputError('card has unknown flag bits');
  const mask = r.u8('card device types');
  // Bits beyond the well-known list are not defined for version 1 (new types are custom tokens).
  if ((mask & ~KNOWN_TYPE_BITS) !== 0) throw new MalformedInputError('card has unknown device-type bits');
  const deviceTypes: string[] = WELL_KNOWN_DEVICE_TYPES.filter((_, bit) => (mask & (1 << bit)) !== 0);
  if (flags & CARD_FLAG_CUSTOM_TYPES) {
    const count = r.u8('card custom device types');
    if (count < 1 || count > MAX_CUSTOM_DEVICE_TYPES)
      throw new MalformedInputError('card custom device-type count out of range');
    for (let i = 0; i < count; i++) {
      const token = r.string('card device type', 16);
      // One encoding per card: well-known names travel as bits, tokens appear once.
      if (
        !DEVICE_TOKEN.test(token) ||
        deviceTypes.includes(token) ||
        (WELL_KNOWN_DEVICE_TYPES as readonly string[]).includes(token)
      )
        throw new MalformedInputError('card device type is invalid, duplicated or well-known');
      deviceTypes.push(token);
    }
  }
  const fingerprint = r.raw('card fingerprint', FINGERPRINT_BYTES);
  const nextFingerprint =
    flags & CARD_FLAG_NEXT_FINGERPRINT ? r.raw('card next fingerprint', FINGERPRINT_BYTES) : undefined;
  const ufragLength = r.u8('card ice ufrag length');
  const pwdLength = r.varuint('card ice pwd length', 256);
  const ice = unpackIceChars(
    r.raw('card ice', packedIceLength(ufragLength + pwdLength)),
    ufragLength + pwdLength,
  );
  if (ice === undefined) throw new MalformedInputError('card ice chars have non-zero padding');
  const ufrag = ice.slice(0, ufragLength);
  const pwd = ice.slice(ufragLength);
  check(iceProblem(ufrag, pwd));
  const candidateCount = r.u8('card candidate count');
  if (candidateCount > MAX_CARD_CANDIDATES) throw new MalformedInputError('card has too many candidates');
  const candidates: CardCandidate[] = [];
  for (let i = 0; i < candidateCount; i++) {
    const address = readAddress(r, 'card candidate');
    check(candidateAddressProblem(address));
    candidates.push({ address, port: readPort(r, 'card candidate port') });
  }
  let relay: CardRelay | undefined;
  if (flags & CARD_FLAG_RELAY) {
    const host = readAddress(r, 'card relay');
    const port = readPort(r, 'card relay port');
    const path = r.string('card relay path', MAX_RELAY_PATH_BYTES);
    if (path !== '') check(relayPathProblem(path));
    relay = path === '' ? { host, port } : { host, port, path };
  }
  const issuedAt = r.varuint('card issued-at');
  const lifetime = r.varuint('card lifetime');
  if (lifetime < 1 || !Number.isSafeInteger(issuedAt + lifetime))
    throw new MalformedInputError('card lifetime out of range');
  const bodyLength = bytes.length - r.remaining;
  const signature = r.raw('card signature', SIGNATURE_BYTES);
  r.end('card');
  let signer: PublicIdentity;
  try {
    signer = publicIdentity(publicKey);
  } catch (cause) {
    throw new MalformedInputError('card public key is not a valid Ed25519 key', { cause });
  }

  if (!verifyWithDomain(publicKey, CARD_DOMAIN, bytes.subarray(0, bodyLength), signature))
    throw new InvalidSignatureError('card: signature does not verify');

  const expiresAt = issuedAt + lifetime;
  const nowS = Math.floor((opts.now ?? Date.now()) / 1000);
  if (nowS >= expiresAt) throw new CardExpiredError('card has expired');

  return {
    version,
    publicKey: signer.publicKey,
    id: signer.id,
    name,
    deviceTypes,
    fingerprint,
    ...(nextFingerprint ? { nextFingerprint } : {}),
    ice: { ufrag, pwd },
    candidates,
    ...(relay ? { relay } : {}),
    issuedAt,
    expiresAt,
  };
}

/** Card bytes as base64url text (RFC 4648 §5), for pages, QR codes and text-only channels. */
export function cardToText(bytes: Uint8Array): string {
  return toBase64Url(bytes);
}

/** Verify and decode a card from `cardToText` output; throws like `openCard`. */
export function cardFromText(text: string, opts: OpenCardOptions = {}): Card {
  if (text.length > Math.ceil((MAX_CARD_BYTES * 4) / 3)) throw new MalformedInputError('card text too long');
  const bytes = fromBase64Url(text.trim());
  if (!bytes) throw new MalformedInputError('card text is not base64url');
  return openCard(bytes, opts);
}
