/**
 * Relay login: the relay's `hello` carries a fresh 32-byte challenge and the endpoint (`host:port`)
 * it was reached at; the client signs `challenge ‖ endpoint` with its identity key under
 * `lanrtc/relay/auth/v1`. The endpoint binding means a signature made for one relay cannot be
 * relayed to log in at another; the fresh challenge means it cannot be replayed later.
 */
import { ByteWriter } from '../encoding/writer.js';
import { InvalidSignatureError, MalformedInputError } from '../errors.js';
import {
  type Identity,
  type PublicIdentity,
  publicIdentity,
  signWithDomain,
  verifyWithDomain,
} from '../identity/identity.js';

/** Signing domain of the relay login signature. */
export const RELAY_AUTH_DOMAIN = 'lanrtc/relay/auth/v1';

function authMessage(challenge: Uint8Array, endpoint: string): Uint8Array {
  return new ByteWriter().raw(challenge).string(endpoint.toLowerCase()).finish();
}

/** The client's signature answering a relay challenge. */
export function signRelayChallenge(identity: Identity, challenge: Uint8Array, endpoint: string): Uint8Array {
  return signWithDomain(identity, RELAY_AUTH_DOMAIN, authMessage(challenge, endpoint));
}

/**
 * Verify a login answer; returns the authenticated identity. Throws `MalformedInputError` for a key
 * that is not a strict Ed25519 point and `InvalidSignatureError` for a signature that does not verify.
 */
export function verifyRelayAuth(
  publicKey: Uint8Array,
  signature: Uint8Array,
  challenge: Uint8Array,
  endpoint: string,
): PublicIdentity {
  let who: PublicIdentity;
  try {
    who = publicIdentity(publicKey);
  } catch (cause) {
    throw new MalformedInputError('relay auth key is not a valid Ed25519 public key', { cause });
  }
  if (!verifyWithDomain(publicKey, RELAY_AUTH_DOMAIN, authMessage(challenge, endpoint), signature))
    throw new InvalidSignatureError('relay auth: signature does not verify');
  return who;
}
