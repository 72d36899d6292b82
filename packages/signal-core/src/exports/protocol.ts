/** @lanrtc/signal-core/protocol — the wire protocol: envelopes, card constants, pairing (CPace, PINs, attempt policy), direct-connect auth, relay frames, signing. */

export {
  CARD_DOMAIN,
  CARD_VERSION,
  MAX_CARD_BYTES,
  MAX_CARD_CANDIDATES,
  MAX_CARD_NAME_BYTES,
  MAX_CUSTOM_DEVICE_TYPES,
} from '../card/types.js';
export { runDirectAuth } from '../direct/auth.js';
export { DIRECT_AUTH_VERSION, MAX_AUTH_MESSAGE_BYTES } from '../direct/auth-messages.js';
export {
  AUTH_PORT_MAX_HELD,
  type AuthChannel,
  type ChannelAuthPort,
  channelAuthPort,
} from '../direct/auth-port.js';
export { DIRECT_AUTH_DOMAIN } from '../direct/auth-proof.js';
export {
  type AuthAbortSignal,
  type AuthPort,
  DIRECT_AUTH_CHANNEL_ID,
  DIRECT_AUTH_COMPARE_DEADLINE_MS,
  DIRECT_AUTH_DEADLINE_MS,
  DIRECT_AUTH_LABEL,
  type DirectAuthInit,
  type DirectAuthResult,
} from '../direct/auth-types.js';
export { cardToOffer, DIRECT_MAX_MESSAGE_SIZE, DIRECT_SCTP_PORT } from '../direct/card-offer.js';
export {
  DIRECT_RENEGOTIATION_TIMEOUT_MS,
  type DirectRenegotiation,
  type DirectRenegotiationInit,
  startDirectRenegotiation,
} from '../direct/renegotiation.js';
export {
  DIRECT_DESCRIPTION_TYPE,
  DIRECT_RENEGOTIATION_VERSION,
  encodeRenegotiationFrame,
  MAX_RENEGOTIATION_FRAME_BYTES,
  openRenegotiationFrame,
} from '../direct/renegotiation-frame.js';
export { type OpenEnvelopeOptions, openEnvelope } from '../envelope/open.js';
export { createReplayGuard, type ReplayGuard, type ReplayGuardInit } from '../envelope/replay.js';
export { type EnvelopeInit, SESSION_ID_BYTES, sealEnvelope } from '../envelope/seal.js';
export {
  ENVELOPE_VERSION,
  type EnvelopeType,
  envelopeDomain,
  MAX_ENVELOPE_PAYLOAD,
  type OpenedEnvelope,
} from '../envelope/types.js';
export {
  type Ed25519Backend,
  ed25519Backend,
  NOBLE_ED25519,
  setEd25519Backend,
} from '../identity/ed25519-backend.js';
export {
  assertSignature,
  ID_BYTES,
  identityIdBytes,
  signWithDomain,
  verifyWithDomain,
} from '../identity/identity.js';
export { encodePairingAbort, PAIRING_VERSION, peekHelloMode } from '../pairing/messages.js';
export {
  createPairing,
  PAIRING_CONFIRM_DOMAIN,
  PAIRING_SESSION_KEY_BYTES,
  type Pairing,
  type PairingAttemptGate,
  type PairingAttemptHooks,
  type PairingInit,
  type PairingState,
  type PairingStep,
} from '../pairing/pairing.js';
export {
  assertUsablePin,
  DEFAULT_PIN_LENGTH,
  decodePairingSecret,
  encodePairingSecret,
  generatePairingSecret,
  generatePin,
  isTrivialPin,
  MAX_PIN_LENGTH,
  MIN_PIN_LENGTH,
  PAIRING_SECRET_BYTES,
  type RandomSource,
} from '../pairing/pin.js';
export {
  type AttemptPolicy,
  createAttemptPolicy,
  PAIRING_STEP_DEADLINE_MS,
} from '../pairing/policy.js';
export { RELAY_AUTH_DOMAIN, signRelayChallenge, verifyRelayAuth } from '../relay/auth.js';
export { RELAY_CLOSE_CODES, relayErrorCloses } from '../relay/close-codes.js';
export {
  assertSendFrame,
  decodeRelayFrame,
  encodeDeliver,
  encodeRelayFrame,
  MAX_HEARTBEAT_SEQ,
  MAX_RELAY_PAYLOAD,
  MAX_ROOM_BYTES,
  MAX_ROOM_MEMBERS,
  RELAY_ADDRESS_OFFSET,
  RELAY_CHALLENGE_BYTES,
  RELAY_ERROR_CODES,
  RELAY_FRAME_CODES,
  RELAY_VERSION,
  type RelayErrorCode,
  type RelayFrame,
  sendToDeliver,
} from '../relay/frames.js';
