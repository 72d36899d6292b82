/** @lanrtc/signal-core — what an app developer needs: the agent shape, cards, identities, errors, trust. Internals are subpaths. Explicit named exports only. */

export { type Connection, type ConnectionPath, DEFAULT_CHANNEL_LABEL } from './agent/connection.js';
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
  type Card,
  type CardCandidate,
  type CardIce,
  type CardInit,
  type CardRelay,
  WELL_KNOWN_DEVICE_TYPES,
} from './card/types.js';
export type { AbortSignalLike } from './encoding/abort.js';
export {
  AuthTimeoutError,
  CardExpiredError,
  ChunkVerificationError,
  CorruptStoreError,
  DescriptionRejectedError,
  FileVerificationError,
  FingerprintMismatchError,
  HttpProtocolError,
  HttpServiceRefusedError,
  HttpStreamResetError,
  InsufficientSpaceError,
  InvalidArgumentError,
  InvalidKeyError,
  InvalidManifestError,
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
  RoomBufferFullError,
  RoomClosedError,
  RoomMemberUnknownError,
  RoomMessageTooLargeError,
  RoomRefusedError,
  SessionLimitError,
  SessionTimeoutError,
  SourceChangedError,
  StaleEnvelopeError,
  TransferAbortedError,
  TransferCancelledError,
  TransferDeclinedError,
  TransferLaneError,
  TransferProtocolError,
  TransferStalledError,
  TransportClosedError,
  UnexpectedEnvelopeTypeError,
  UnexpectedSenderError,
  UnknownPeerError,
  UnsafePathError,
  UnsafeRequestPathError,
  UnsupportedSdpError,
  UnsupportedVersionError,
  WeakPinError,
  WrongRecipientError,
} from './errors.js';
export type { Unsubscribe } from './events.js';
export {
  createIdentity,
  exportIdentity,
  type Identity,
  identityFromSecretKey,
  identityId,
  importIdentity,
  type PublicIdentity,
  publicIdentity,
} from './identity/identity.js';
export type { Logger } from './logger.js';
export type { PairingMode, PairingResult } from './pairing/pairing.js';
export type { AttemptPolicyInit, AttemptPolicyState } from './pairing/policy.js';
export { QR_ANSWER_TIMEOUT_MS } from './qr/answer-timeout.js';
export {
  cardFromQrText,
  decodeQrPayload,
  encodeQrCard,
  encodeQrPairingCard,
  type QrOffer,
  type QrPayload,
} from './qr/payload.js';
export type {
  RelayClientInit,
  RelayClientState,
  RelayClientStats,
  RelayConnection,
  RelayPresence,
} from './relay/client/options.js';
export { decodeRoomInvite, encodeRoomInvite, ROOM_INVITE_PREFIX, type RoomInvite } from './room/invite.js';
export { MAX_RELIABLE_DATA, MAX_UNRELIABLE_DATA } from './room/messages.js';
export { DEFAULT_MAX_MEMBERS, MAX_DISPLAY_NAME, ROOM_NAME_PATTERN, ROOM_SECRET_BYTES } from './room/names.js';
export type {
  HostRoom,
  HostRoomInit,
  HostRoomStats,
  JoinRoomInit,
  PlayerRoom,
  Room,
  RoomDelivery,
  RoomJoinRequest,
  RoomMember,
  RoomMessage,
  RoomRole,
  RoomSendStats,
} from './room/types.js';
export type { CompareHandler, PeerContext } from './session/agent.js';
export type { SessionPeer } from './session/peer.js';
export type { TransferLaneKind } from './transfer/lane.js';
export type {
  FileTransfer,
  TransferDecision,
  TransferFileState,
  TransferOffer,
  TransferProgress,
  TransferResult,
} from './transfer/types.js';
export type { SignalTransport, TransportFrame } from './transport/transport.js';
export { createMemoryTrustStore } from './trust/memory.js';
export { hasGrant, revokeGrant, setGrant } from './trust/peers.js';
export type {
  Grant,
  KnownPeer,
  PeerAddress,
  SeenFingerprint,
  SuspicionFlag,
  SuspicionKind,
  TrustStore,
} from './trust/store.js';
