/**
 * DTLS fingerprint rotation rule (docs/ARCHITECTURE.md "The objects"): a certificate may change at any
 * time without re-pairing, as long as the new fingerprint is signed by the peer's identity — in its
 * card or in a signalling envelope. The session layer calls `checkPeerFingerprint` with the
 * fingerprint the DTLS handshake actually presented, before handing the connection to the app.
 */
import type { Card } from '../card/types.js';
import { equalBytes } from '../encoding/bytes.js';
import { FINGERPRINT_BYTES } from '../encoding/fingerprint.js';
import { FingerprintMismatchError, InvalidArgumentError, UnknownPeerError } from '../errors.js';
import type { PublicIdentity } from '../identity/identity.js';
import { withFingerprint } from './peers.js';
import type { KnownPeer, TrustStore } from './store.js';

/**
 * Fingerprints vouched for by an identity. Build it only from verified data: an `openCard` result
 * (`cardFingerprintEvidence`) or the payload of an `openEnvelope` result, whose `sender` is `signedBy`.
 */
export interface FingerprintEvidence {
  readonly signedBy: PublicIdentity;
  readonly fingerprints: readonly Uint8Array[];
}

/** Outcome of a successful check: `known` (seen before) or `rotated` (new, signed, now recorded). */
export interface FingerprintCheck {
  readonly status: 'known' | 'rotated';
  readonly peer: KnownPeer;
}

/** The evidence a verified card carries: its current and next fingerprint, signed by its identity. */
export function cardFingerprintEvidence(card: Card): FingerprintEvidence {
  return {
    signedBy: { publicKey: card.publicKey, id: card.id },
    fingerprints: card.nextFingerprint ? [card.fingerprint, card.nextFingerprint] : [card.fingerprint],
  };
}

/**
 * Accept or reject the DTLS fingerprint `observed` for peer `peerId`:
 * - already seen for this peer → `known` (its last-seen time is refreshed);
 * - new, but listed in `evidence` signed by this peer's stored identity key → `rotated` (recorded);
 * - otherwise → `FingerprintMismatchError`; a peer not in the store → `UnknownPeerError`.
 * Nothing is written when it throws.
 */
export async function checkPeerFingerprint(
  store: TrustStore,
  peerId: string,
  observed: Uint8Array,
  evidence?: FingerprintEvidence,
  opts: { readonly now?: number } = {},
): Promise<FingerprintCheck> {
  if (observed.length !== FINGERPRINT_BYTES) throw new InvalidArgumentError('fingerprint must be 32 bytes');
  const now = opts.now ?? Date.now();
  let status: FingerprintCheck['status'] = 'known';
  const peer = await store.update(peerId, (current) => {
    if (!current) throw new UnknownPeerError('peer is not in the trust store');
    if (current.fingerprints.some((f) => equalBytes(f.fingerprint, observed))) {
      status = 'known';
      return withFingerprint(current, observed, now);
    }
    if (!evidence) throw new FingerprintMismatchError('new DTLS fingerprint without signed evidence');
    // Compare keys, not ids: the evidence object is caller-built, its id could be anything.
    if (!equalBytes(evidence.signedBy.publicKey, current.publicKey))
      throw new FingerprintMismatchError('fingerprint evidence is signed by another identity');
    if (!evidence.fingerprints.some((f) => equalBytes(f, observed)))
      throw new FingerprintMismatchError('DTLS fingerprint is not among the signed fingerprints');
    status = 'rotated';
    return withFingerprint(current, observed, now);
  });
  return { status, peer: peer as KnownPeer };
}
