/** @lanrtc/browser-client — lanrtc for browsers. Explicit named exports only. */

/** Re-exported: a damaged store is the same error in every runtime. */
/** Re-exported: the answering side's default deadline, the same in every runtime. */
/** Re-exported: the rooms API's types and errors, the same in every runtime. */
export {
  CorruptStoreError,
  decodeRoomInvite,
  encodeRoomInvite,
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
} from '@lanrtc/signal-core';
export {
  type BrowserAgent,
  type BrowserAgentInit,
  type BrowserRelayOptions,
  createBrowserAgent,
} from './browser-agent.js';
export { DEFAULT_DB_NAME, KEYVAL_STORE, openLanrtcDb, PEERS_STORE } from './db.js';
export { connectDirect, type DirectConnectInit } from './direct/connect.js';
export {
  type BrowserConnection,
  DIRECT_CONNECT_TIMEOUT_MS,
  type DirectPeerInit,
} from './direct/session.js';
export {
  CameraUnavailableError,
  CertificateUnavailableError,
  HashWorkerError,
  QrNotFoundError,
  RemoteCertificateUnavailableError,
  StorageFailedError,
  StorageUnavailableError,
} from './errors.js';
export { openHttpClient } from './http/open-http-client.js';
export {
  type LanRouteFetchInit,
  type LanRoutesServer,
  type LanRouteTarget,
  type ServeLanRoutesInit,
  serveLanRoutes,
} from './http/serve-lan-routes.js';
export {
  CERTIFICATE_LIFETIME_MS,
  CERTIFICATE_RENEW_BEFORE_MS,
  loadOrCreateCertificate,
  loadOrCreateIdentity,
  rtcCertificateFingerprint,
  type StoredCertificate,
} from './keys.js';
export {
  QR_ERROR_CORRECTION,
  QR_QUIET_ZONE,
  type QrErrorCorrection,
  type QrMatrix,
  type QrRenderOptions,
  qrMatrix,
  renderQrDataUrl,
  renderQrSvg,
  renderQrToCanvas,
} from './qr/render.js';
export { type CameraScanInit, scanQrFromCamera, scanQrFromImage } from './qr/scan.js';
export {
  type AnswerQrOfferInit,
  answerQrOffer,
  createQrOffer,
  type QrOfferInit,
} from './qr/signalling.js';
export { browserRoomChannel, browserRoomPlatform } from './room/room-channel.js';
export { hostRoom, joinRoom } from './room/rooms.js';
export { type BrowserSessionPeer, browserSessionPeer, remoteFingerprintFromStats } from './session-peer.js';
export {
  DATACHANNEL_HIGH_WATER_BYTES,
  DATACHANNEL_LOW_WATER_BYTES,
  DATACHANNEL_MAX_FRAME_BYTES,
  type DataChannelLaneInit,
  dataChannelLane,
} from './transfer/datachannel-lane.js';
export {
  createDownloadSink,
  DOWNLOAD_SINK_MAX_BYTES,
  type DownloadSinkInit,
  type ReceivedFile,
  saveDownload,
} from './transfer/download-sink.js';
export {
  createFileSource,
  FILE_SOURCE_CHUNK_BYTES,
  type FileSourceInit,
  type PathedFile,
} from './transfer/file-source.js';
export { type BrowserReceiveFilesInit, receiveFiles } from './transfer/receive-files.js';
export { type BrowserSendFilesInit, sendFiles } from './transfer/send-files.js';
export {
  SHA256_WORKER_START_MS,
  type Sha256Worker,
  startSha256Worker,
} from './transfer/sha256-worker-client.js';
export { loadWasmSha256 } from './transfer/wasm-sha256.js';
export { createIndexedDbTrustStore } from './trust-store.js';
