/** @lanrtc/signal-core/trust — trust-store internals: records, JSON form, fingerprint checks, remembering peers. */

export {
  cardFingerprintEvidence,
  checkPeerFingerprint,
  type FingerprintCheck,
  type FingerprintEvidence,
} from '../trust/fingerprint.js';
export { knownPeerFromJson, knownPeerToJson } from '../trust/json.js';
export { type RememberPeerInit, rememberPeer } from '../trust/peers.js';
export { assertKnownPeer, cloneKnownPeer, MAX_FINGERPRINTS_PER_PEER } from '../trust/record.js';
