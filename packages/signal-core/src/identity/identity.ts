/**
 * Long-term identity: an Ed25519 signing key pair (RFC 8032) on @noble/curves — pure JS, so it works
 * in pages served over plain http where `crypto.subtle` does not exist. The identity key signs
 * envelopes, cards and pairing transcripts; it is never the DTLS key.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { concatBytes, equalBytes, fromBase64Url, toBase64Url, utf8 } from '../encoding/bytes.js';
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import {
  InvalidKeyError,
  InvalidSignatureError,
  MalformedInputError,
  UnsupportedVersionError,
} from '../errors.js';
import { toBase32 } from './base32.js';
import { ed25519Backend } from './ed25519-backend.js';

/** Length of an identity id in bytes (128 bits: collisions are out of reach, ids stay short). */
export const ID_BYTES = 16;
const ID_DOMAIN = utf8('lanrtc/id/v1');
const SECRET_FORMAT_VERSION = 1;
const ALG_ED25519 = 1;

/** The public half of an identity: what peers store and verify against. */
export interface PublicIdentity {
  /** 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** Short id: base32 of the first 16 bytes of SHA-256("lanrtc/id/v1" ‖ publicKey), 26 chars. */
  readonly id: string;
}

/** A full identity, able to sign. Keep `secretKey` out of logs and messages. */
export interface Identity extends PublicIdentity {
  readonly secretKey: Uint8Array;
}

/** The 16 id bytes of a public key. */
export function identityIdBytes(publicKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(ID_DOMAIN, publicKey)).slice(0, ID_BYTES);
}

/** The text id of a public key. */
export function identityId(publicKey: Uint8Array): string {
  return toBase32(identityIdBytes(publicKey));
}

/** A canonical encoding of a curve point that is not of small order (RFC 8032 §5.1.3, strictly). */
function isStrictPublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  try {
    const point = ed25519.Point.fromBytes(publicKey, false);
    return !point.isSmallOrder() && equalBytes(point.toBytes(), publicKey);
  } catch {
    return false;
  }
}

/** Validate a public key and wrap it as a `PublicIdentity`; throws `InvalidKeyError`. */
export function publicIdentity(publicKey: Uint8Array): PublicIdentity {
  if (!isStrictPublicKey(publicKey)) throw new InvalidKeyError('not a valid Ed25519 public key');
  return { publicKey: publicKey.slice(), id: identityId(publicKey) };
}

/** Make a new identity from the platform CSPRNG (`crypto.getRandomValues`). */
export function createIdentity(): Identity {
  return identityFromSecretKey(randomBytes(32));
}

/** Rebuild an identity from its 32-byte secret key. */
export function identityFromSecretKey(secretKey: Uint8Array): Identity {
  if (secretKey.length !== 32) throw new InvalidKeyError('Ed25519 secret key must be 32 bytes');
  const publicKey = ed25519.getPublicKey(secretKey);
  return { publicKey, secretKey: secretKey.slice(), id: identityId(publicKey) };
}

function signedMessage(domain: string, message: Uint8Array): Uint8Array {
  // Domain separation: a signature made for one purpose never verifies for another.
  return concatBytes(utf8(domain), new Uint8Array([0]), message);
}

/** Sign `message` under a domain string (e.g. `lanrtc/envelope/offer/v1`). */
export function signWithDomain(identity: Identity, domain: string, message: Uint8Array): Uint8Array {
  return ed25519Backend().sign(signedMessage(domain, message), identity.secretKey);
}

/** True when `signature` is `publicKey`'s signature of `message` under `domain`. Never throws. */
export function verifyWithDomain(
  publicKey: Uint8Array,
  domain: string,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519Backend().verify(signature, signedMessage(domain, message), publicKey);
  } catch {
    return false;
  }
}

/** Like `verifyWithDomain` but throws `InvalidSignatureError` (naming `what`) on failure. */
export function assertSignature(
  publicKey: Uint8Array,
  domain: string,
  message: Uint8Array,
  signature: Uint8Array,
  what: string,
): void {
  if (!verifyWithDomain(publicKey, domain, message, signature)) {
    throw new InvalidSignatureError(`${what}: signature does not verify`);
  }
}

/**
 * Serialise an identity for storage: version, algorithm, secret key. The result is a secret;
 * store it like one (0600 file, IndexedDB).
 */
export function exportIdentity(identity: Identity): string {
  return toBase64Url(
    new ByteWriter().u8(SECRET_FORMAT_VERSION).u8(ALG_ED25519).raw(identity.secretKey).finish(),
  );
}

/** Parse `exportIdentity` output; throws `MalformedInputError` / `UnsupportedVersionError`. */
export function importIdentity(text: string): Identity {
  const bytes = fromBase64Url(text.trim());
  if (!bytes) throw new MalformedInputError('stored identity is not base64url');
  const r = new ByteReader(bytes);
  const version = r.u8('identity version');
  if (version !== SECRET_FORMAT_VERSION)
    throw new UnsupportedVersionError(`identity format version ${version}`);
  const alg = r.u8('identity algorithm');
  if (alg !== ALG_ED25519) throw new UnsupportedVersionError(`identity algorithm ${alg}`);
  const secret = r.raw('identity secret key', 32);
  r.end('stored identity');
  return identityFromSecretKey(secret);
}
