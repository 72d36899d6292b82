/** @lanrtc/node-agent — lanrtc for Node. Explicit named exports only. */
import { useNativeEd25519 } from './crypto/native-ed25519.js';

// Node has Ed25519 in OpenSSL, ~20× faster than signal-core's pure-JS default (same signatures).
useNativeEd25519();

/** Re-exported: a damaged store is the same error in every runtime. */
/** Re-exported: the answering side's default deadline, the same in every runtime. */
/** Re-exported: the rooms API's types and errors, the same in every runtime. */
/** Re-exported: a file transfer's handle, offer, progress and result, the same in every runtime. */
export {
  CorruptStoreError,
  decodeRoomInvite,
  encodeRoomInvite,
  type FileTransfer,
  type HostRoom,
  type HostRoomInit,
  type JoinRoomInit,
  type PlayerRoom,
  QR_ANSWER_TIMEOUT_MS,
  type Room,
  RoomBufferFullError,
  RoomClosedError,
  type RoomDelivery,
  type RoomInvite,
  type RoomMember,
  RoomMemberUnknownError,
  type RoomMessage,
  RoomMessageTooLargeError,
  RoomRefusedError,
  type RoomRole,
  type TransferDecision,
  type TransferLaneKind,
  type TransferOffer,
  type TransferProgress,
  type TransferResult,
} from '@lanrtc/signal-core';
export { NODE_ED25519, useNativeEd25519 } from './crypto/native-ed25519.js';
export { type ConnectDirectInit, connectDirect } from './direct/connect.js';
export type { NodeConnection } from './direct/connection.js';
export { generateIceCredentials } from './direct/ice-credentials.js';
export {
  createDirectListener,
  type DirectListener,
  type DirectListenerInit,
  type DirectListenerStats,
  type QrPairing,
} from './direct/listener.js';
export {
  AmbiguousRemoteCertificateError,
  AudioOutputUnavailableError,
  CertificatePinMismatchError,
  FfmpegFailedError,
  FfmpegNotFoundError,
  HttpAccessRevokedError,
  HttpUpstreamFailedError,
  HttpUpstreamTimeoutError,
  InsecureFileModeError,
  InterfaceNotFoundError,
  InvalidCertificateError,
  InvalidHttpTargetError,
  InvalidMediaOptionsError,
  LaneOverflowError,
  MediaClosedError,
  PathConflictError,
  SnapshotsDisabledError,
  SnapshotTimeoutError,
  StoreLockedError,
  TlsLaneHandshakeError,
  TlsLaneRefusedError,
  TlsLaneTimeoutError,
  TlsLaneTokenMismatchError,
  TlsLaneUnreachableError,
  UnreadableSourceError,
  UnsupportedMediaError,
  WeriftInternalsError,
} from './errors.js';
export {
  type ExposeHttpInit,
  exposeHttp,
  type HttpExposure,
  type HttpRequestRecord,
} from './http/expose-http.js';
export {
  createHttpForwarder,
  HTTP_UPSTREAM_TIMEOUT_MS,
  type HttpForwarder,
  type HttpForwarderInit,
} from './http/forwarder.js';
export { openHttpClient } from './http/open-http-client.js';
export { type AudioOutput, DEFAULT_AUDIO_OUTPUTS } from './media/audio-output.js';
export { h264NalUnitTypes, isH264KeyframeStart } from './media/h264-keyframe.js';
export { defaultMediaInput, type MediaInput } from './media/media-input.js';
export {
  createMediaSource,
  type MediaSnapshotOptions,
  type MediaSource,
  type MediaSourceInit,
  type MediaSourceStats,
} from './media/media-source.js';
export type { MediaViewer } from './media/media-viewer.js';
export type { MediaSnapshot } from './media/snapshot-store.js';
export { type PlayTrackInit, playTrack, type TrackPlayer } from './media/track-player.js';
export { type RecordTrackInit, recordTrack, type TrackRecorder } from './media/track-recorder.js';
export { H264_FMTP, type VideoCodecName } from './media/video-codec.js';
export { isVp8KeyframeStart } from './media/vp8-keyframe.js';
export {
  createNodeAgent,
  type ListenDirectInit,
  type NodeAgent,
  type NodeAgentInit,
  type NodeRelayOptions,
} from './node-agent.js';
export {
  certificateFingerprint,
  createDtlsCertificate,
  type DtlsCertificate,
  fingerprintOfDer,
  parseDtlsCertificate,
  serializeDtlsCertificate,
} from './peer/certificate.js';
export {
  createNodePeer,
  type NodePeerInit,
  remoteCertificateFingerprint,
  weriftSecurityPatched,
} from './peer/create-node-peer.js';
export { type AnswerQrOfferInit, answerQrOffer } from './qr/answer.js';
export { type CreateQrOfferInit, createQrOffer, QR_OFFER_CONNECT_TIMEOUT_MS } from './qr/offer.js';
export { weriftRoomChannel, weriftRoomPlatform } from './room/room-channel.js';
export { hostRoom, joinRoom } from './room/rooms.js';
export { type DataChannelInit, type WeriftSessionPeer, weriftSessionPeer } from './session-peer.js';
export { defaultConfigDir } from './store/config-dir.js';
export {
  IDENTITY_FILE_VERSION,
  loadOrCreateNodeIdentity,
  type NodeIdentity,
  type NodeIdentityInit,
  parseIdentityFile,
} from './store/identity-file.js';
export { TRUST_FILE_VERSION } from './store/trust-document.js';
export {
  createFileTrustStore,
  type FileTrustStore,
  type FileTrustStoreInit,
  TRUST_FILE_NAME,
} from './store/trust-file.js';
export {
  DATACHANNEL_HIGH_WATER,
  DATACHANNEL_LOW_WATER,
  DATACHANNEL_MAX_FRAME_BYTES,
  weriftDataChannelLane,
} from './transfer/datachannel-lane.js';
export {
  type FilesRoom,
  type FilesRoomInit,
  type FilesRoomSend,
  hostFilesRoom,
} from './transfer/files-room.js';
export { createFsSink, type FsSinkInit } from './transfer/fs-sink.js';
export { createFsSource, type FsSourceInit } from './transfer/fs-source.js';
export {
  type ChunkHashStore,
  type ChunkHashStoreInit,
  createChunkHashStore,
  HASH_STORE_MIN_BYTES,
} from './transfer/hash-store.js';
export { MAX_STREAM_FRAME_BYTES } from './transfer/lane-frames.js';
export { nodeChunkDigest } from './transfer/node-chunk-digest.js';
export { nodeSha256 } from './transfer/node-sha256.js';
export { type ReceiveFilesInit, receiveFiles } from './transfer/receive-files.js';
export { type SendFilesInit, sendFiles } from './transfer/send-files.js';
export {
  type ConnectTlsLaneInit,
  connectTlsLane,
  TLS_LANE_CONNECT_TIMEOUT_MS,
} from './transfer/tls-lane-connect.js';
export {
  type ListenTlsLaneInit,
  listenTlsLane,
  TLS_LANE_TOKEN_TIMEOUT_MS,
  type TlsLaneListener,
} from './transfer/tls-lane-listen.js';
export type { TlsLaneEndpoint } from './transfer/tls-lane-options.js';
