/**
 * The proof of the in-band authentication's proof path and the session id of its pairing path
 * (docs/PROTOCOL.md §"Direct connect and in-band authentication").
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8 } from '../encoding/bytes.js';
import { type Identity, signWithDomain, verifyWithDomain } from '../identity/identity.js';
import type { AuthHello } from './auth-messages.js';

/** Signature domain of the proof. */
export const DIRECT_AUTH_DOMAIN = 'lanrtc/direct/auth/v1';
/** Length of the pairing session id derived from the two nonces. */
const PAIRING_SID_BYTES = 16;

/**
 * What a proof signs: the verifier's nonce (freshness for the verifier), the signer's nonce, the
 * signer's and the verifier's DTLS fingerprints (the channel this runs in), the two identity keys.
 */
function proofMessage(signer: AuthHello, verifier: AuthHello): Uint8Array {
  return concatBytes(
    verifier.nonce,
    signer.nonce,
    signer.fingerprint,
    verifier.fingerprint,
    signer.identityKey,
    verifier.identityKey,
  );
}

/** Sign the proof for `peer` with `identity`, whose hello was `own`. */
export function signAuthProof(identity: Identity, own: AuthHello, peer: AuthHello): Uint8Array {
  return signWithDomain(identity, DIRECT_AUTH_DOMAIN, proofMessage(own, peer));
}

/** True when `signature` is the proof of the sender of `peer` for the receiver of `own`. Never throws. */
export function verifyAuthProof(peer: AuthHello, own: AuthHello, signature: Uint8Array): boolean {
  return verifyWithDomain(peer.identityKey, DIRECT_AUTH_DOMAIN, proofMessage(peer, own), signature);
}

/** Domain of the connection's session id, so it never equals the pairing sid of the same run. */
const DIRECT_SESSION_DOMAIN = 'lanrtc/direct/session/v1';

/**
 * Session id of an authenticated direct connection: SHA-256(domain ‖ responder nonce ‖ initiator
 * nonce)[0..16]. The envelopes of its renegotiations carry it, so one signed on another connection
 * between the same two identities never applies here.
 */
export function directSessionId(responderNonce: Uint8Array, initiatorNonce: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8(DIRECT_SESSION_DOMAIN), responderNonce, initiatorNonce)).slice(
    0,
    PAIRING_SID_BYTES,
  );
}

/** Pairing sid: SHA-256(responder nonce ‖ initiator nonce)[0..16], fresh because both nonces are. */
export function authPairingSessionId(responderNonce: Uint8Array, initiatorNonce: Uint8Array): Uint8Array {
  return sha256(concatBytes(responderNonce, initiatorNonce)).slice(0, PAIRING_SID_BYTES);
}
