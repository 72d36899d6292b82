/** @lanrtc/signal-core — platform-free core of lanrtc. Explicit named exports only. */

export { type Connection, type ConnectionPath, DEFAULT_CHANNEL_LABEL } from './agent/connection.js';
export {
  createLanAgent,
  type LanAgentCore,
  type LanAgentPlatform,
  MAX_UNCLAIMED_CONNECTIONS,
  type PairingTarget,
} from './agent/create-lan-agent.js';
export type {
  DirectConnectOptions,
  LanAgent,
  PairingDisplay,
  PendingQrOffer,
  PinDisplay,
  QrAnswer,
  QrAnswerOptions,
  QrOfferOptions,
} from './agent/types.js';
export { createCard } from './card/create.js';
export { cardFromText, cardToText, type OpenCardOptions, openCard } from './card/open.js';
export {
  CARD_DOMAIN,
  CARD_VERSION,
  type Card,
  type CardCandidate,
  type CardIce,
  type CardInit,
  type CardRelay,
  MAX_CARD_BYTES,
  MAX_CARD_CANDIDATES,
  MAX_CARD_NAME_BYTES,
  MAX_CUSTOM_DEVICE_TYPES,
  WELL_KNOWN_DEVICE_TYPES,
} from './card/types.js';
export { BASE45_ALPHABET, fromBase45, toBase45 } from './codec/base45.js';
export type { CandidateSummary, IceCandidateType, IceTcpType } from './codec/candidate.js';
export {
  COMPACT_CANDIDATE_VERSION,
  decodeCandidate,
  encodeCandidate,
  type IceCandidateInit,
} from './codec/candidate-compact.js';
export { fromQrText, QR_TEXT_PREFIX, toQrText } from './codec/qr-text.js';
export {
  type DtlsSetup,
  formatSdp,
  parseSdpSummary,
  type SdpSummary,
  type SessionDescriptionInit,
} from './codec/sdp.js';
export {
  COMPACT_SDP_VERSION,
  decodeSdp,
  decodeSdpSummary,
  encodeSdp,
  encodeSdpSummary,
  PROFILE_DATACHANNEL,
} from './codec/sdp-compact.js';
export { runDirectAuth } from './direct/auth.js';
export { DIRECT_AUTH_VERSION, MAX_AUTH_MESSAGE_BYTES } from './direct/auth-messages.js';
export {
  AUTH_PORT_MAX_HELD,
  type AuthChannel,
  type ChannelAuthPort,
  channelAuthPort,
} from './direct/auth-port.js';
export { DIRECT_AUTH_DOMAIN } from './direct/auth-proof.js';
export {
  type AuthAbortSignal,
  type AuthPort,
  DIRECT_AUTH_CHANNEL_ID,
  DIRECT_AUTH_COMPARE_DEADLINE_MS,
  DIRECT_AUTH_DEADLINE_MS,
  DIRECT_AUTH_LABEL,
  type DirectAuthInit,
  type DirectAuthResult,
} from './direct/auth-types.js';
export { cardToOffer, DIRECT_MAX_MESSAGE_SIZE, DIRECT_SCTP_PORT } from './direct/card-offer.js';
export { type AbortHandle, type AbortSignalLike, createAbortHandle } from './encoding/abort.js';
export {
  concatBytes,
  equalBytes,
  fromBase64Url,
  fromHex,
  fromUtf8,
  toBase64Url,
  toHex,
  utf8,
} from './encoding/bytes.js';
export {
  certificateDerFingerprint,
  FINGERPRINT_BYTES,
  formatSdpFingerprint,
  parseSdpFingerprint,
} from './encoding/fingerprint.js';
export { ByteReader } from './encoding/reader.js';
export { ByteWriter } from './encoding/writer.js';
export { type OpenEnvelopeOptions, openEnvelope } from './envelope/open.js';
export { createReplayGuard, type ReplayGuard, type ReplayGuardInit } from './envelope/replay.js';
export { type EnvelopeInit, SESSION_ID_BYTES, sealEnvelope } from './envelope/seal.js';
export {
  ENVELOPE_VERSION,
  type EnvelopeType,
  envelopeDomain,
  MAX_ENVELOPE_PAYLOAD,
  type OpenedEnvelope,
} from './envelope/types.js';
export {
  AuthTimeoutError,
  CardExpiredError,
  CorruptStoreError,
  FingerprintMismatchError,
  InvalidArgumentError,
  InvalidKeyError,
  InvalidSignatureError,
  LanrtcError,
  MalformedInputError,
  NoSignallingPathError,
  NotPairedError,
  PairingExpiredError,
  PairingFailedError,
  PairingLockedError,
  PairingModeUnsupportedError,
  PairingNotOpenError,
  PairingStateError,
  PeerRejectedError,
  QrMismatchError,
  RelayError,
  RelayHandshakeError,
  RelayUnresponsiveError,
  RenegotiationUnsupportedError,
  ReplayedEnvelopeError,
  SessionLimitError,
  SessionTimeoutError,
  StaleEnvelopeError,
  TransportClosedError,
  UnexpectedEnvelopeTypeError,
  UnexpectedSenderError,
  UnknownPeerError,
  UnsupportedSdpError,
  UnsupportedVersionError,
  WeakPinError,
  WrongRecipientError,
} from './errors.js';
export { createHeldListeners, createListeners, type Listeners, type Unsubscribe } from './events.js';
export {
  type Ed25519Backend,
  ed25519Backend,
  NOBLE_ED25519,
  setEd25519Backend,
} from './identity/ed25519-backend.js';
export {
  assertSignature,
  createIdentity,
  exportIdentity,
  ID_BYTES,
  type Identity,
  identityFromSecretKey,
  identityId,
  identityIdBytes,
  importIdentity,
  type PublicIdentity,
  publicIdentity,
  signWithDomain,
  verifyWithDomain,
} from './identity/identity.js';
export { type Logger, NOOP_LOGGER } from './logger.js';
export { encodePairingAbort, PAIRING_VERSION } from './pairing/messages.js';
export {
  createPairing,
  PAIRING_CONFIRM_DOMAIN,
  PAIRING_SESSION_KEY_BYTES,
  type Pairing,
  type PairingAttemptHooks,
  type PairingInit,
  type PairingMode,
  type PairingResult,
  type PairingState,
  type PairingStep,
} from './pairing/pairing.js';
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
} from './pairing/pin.js';
export { type AttemptPolicy, type AttemptPolicyInit, createAttemptPolicy } from './pairing/policy.js';
export { QR_ANSWER_TIMEOUT_MS } from './qr/answer-timeout.js';
export {
  cardFromQrText,
  decodeQrPayload,
  encodeQrAnswer,
  encodeQrCard,
  encodeQrOffer,
  encodeQrPairingCard,
  QR_ANSWER_DOMAIN,
  QR_ANSWER_TAG_BYTES,
  QR_PAYLOAD_VERSION,
  QR_SECRET_BYTES,
  QrKind,
  type QrOffer,
  type QrPayload,
} from './qr/payload.js';
export { RELAY_AUTH_DOMAIN, signRelayChallenge, verifyRelayAuth } from './relay/auth.js';
export { type RelayReconnectOptions, reconnectDelay } from './relay/client/backoff.js';
export { connectRelay } from './relay/client/connect.js';
export { relayEndpoint } from './relay/client/endpoint.js';
export type { RelayHeartbeatOptions } from './relay/client/heartbeat.js';
export type {
  RelayClientInit,
  RelayClientState,
  RelayClientStats,
  RelayConnection,
} from './relay/client/options.js';
export type { RelayWebSocket, RelayWebSocketConstructor } from './relay/client/socket.js';
export { RELAY_CLOSE_CODES, relayErrorCloses } from './relay/close-codes.js';
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
} from './relay/frames.js';
export {
  Agent,
  type AgentInit,
  type CompareHandler,
  createAgent,
  type PairingWindow,
  type PeerContext,
} from './session/agent.js';
export {
  type ChannelRegistry,
  createChannelRegistry,
  type LabelledChannel,
} from './session/channels.js';
export { createEarlyMessageBuffer, type EarlyMessageBuffer } from './session/early-messages.js';
export type { SessionPeer } from './session/peer.js';
export {
  createMemoryNetwork,
  type MemoryNetwork,
  type MemoryNetworkInit,
  type TamperHook,
} from './transport/memory.js';
export { AsyncQueue } from './transport/queue.js';
export type { SignalTransport, TransportFrame } from './transport/transport.js';
export {
  cardFingerprintEvidence,
  checkPeerFingerprint,
  type FingerprintCheck,
  type FingerprintEvidence,
} from './trust/fingerprint.js';
export { knownPeerFromJson, knownPeerToJson } from './trust/json.js';
export { createMemoryTrustStore } from './trust/memory.js';
export {
  hasGrant,
  type RememberPeerInit,
  rememberPeer,
  revokeGrant,
  setGrant,
} from './trust/peers.js';
export { assertKnownPeer, cloneKnownPeer, MAX_FINGERPRINTS_PER_PEER } from './trust/record.js';
export type {
  Grant,
  KnownPeer,
  PeerAddress,
  SeenFingerprint,
  SuspicionFlag,
  SuspicionKind,
  TrustStore,
} from './trust/store.js';
