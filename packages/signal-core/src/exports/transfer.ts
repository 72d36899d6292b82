/** @lanrtc/signal-core/transfer — the platform-free file-transfer protocol: manifest and frame codecs, lane negotiation, the sender and receiver engines, the public transfer types, and memory lanes/files for tests. */

export { type AcceptPayload, decodeAccept, encodeAccept } from '../transfer/accept.js';
export { FILE_HASH_DOMAIN, fileHashOf } from '../transfer/file-hash.js';
export {
  FILES_DEVICE_TYPE,
  FILES_JOIN_PARAM,
  FILES_RELAY_PATH,
  FILES_ROOM_NAME,
  filesPageUrl,
} from '../transfer/files-room.js';
export {
  DECLINE_REASONS,
  type DeclineReason,
  decodeTransferFrame,
  encodeDataHeader,
  encodeTransferFrame,
  type TransferEndpoint,
  type TransferFrame,
  TransferFrameType,
} from '../transfer/frames.js';
export { type FileTransferContext, startFileTransfer } from '../transfer/handle.js';
export type { TransferLane, TransferLaneKind } from '../transfer/lane.js';
export {
  DATA_HEADER_MAX_BYTES,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_WINDOW_BYTES,
  FILES_CHANNEL_LABEL,
  HASH_BYTES,
  LANE_TOKEN_BYTES,
  MAX_CHUNK_SIZE,
  MAX_FILES,
  MAX_LANE_ENDPOINTS,
  MAX_PATH_BYTES,
  MAX_PAYLOAD_BYTES,
  MAX_REASON_TEXT_BYTES,
  MAX_SEGMENT_BYTES,
  MAX_TOTAL_CHUNKS,
  MIN_CHUNK_SIZE,
  TRANSFER_WIRE_VERSION,
} from '../transfer/limits.js';
export {
  chunkCount,
  chunkLength,
  decodeManifest,
  encodeManifest,
  manifestBytes,
  validateManifest,
} from '../transfer/manifest.js';
export type { ManifestFile, TransferManifest } from '../transfer/manifest-types.js';
export {
  createMemorySink,
  createMemorySource,
  type MemoryFile,
  type MemorySink,
  type MemorySinkInit,
  type MemorySource,
} from '../transfer/memory-files.js';
export {
  createMemoryLanePair,
  type MemoryLaneInit,
  type MemoryTransferLane,
} from '../transfer/memory-lane.js';
export {
  negotiateReceiverLane,
  negotiateSenderLane,
  type ReceiverLaneInit,
  type SenderLaneInit,
  TLS_CONNECT_TIMEOUT_MS,
  type TlsLaneListener,
} from '../transfer/negotiate.js';
export { nobleSha256 } from '../transfer/noble-sha256.js';
export { checkPathSet, checkTransferPath } from '../transfer/path-check.js';
export { createPayloadAssembler, type PayloadAssembler, splitPayload } from '../transfer/payload.js';
export { createProgressMeter, type ProgressMeter, RATE_WINDOW_MS } from '../transfer/progress.js';
export { type RunReceiverInit, runReceiver } from '../transfer/receiver.js';
export { type RunSenderInit, runSender } from '../transfer/sender.js';
export type { SessionInit } from '../transfer/session.js';
export type {
  ChunkDigest,
  DigestedChunk,
  FileHolding,
  FileSink,
  FileSource,
  MovingChunkDigest,
  Sha256,
  Sha256Factory,
} from '../transfer/source.js';
export type {
  FileTransfer,
  OfferSummary,
  TransferDecision,
  TransferFileState,
  TransferOffer,
  TransferProgress,
  TransferResult,
} from '../transfer/types.js';
