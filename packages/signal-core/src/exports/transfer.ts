/** @lanrtc/signal-core/transfer — file transfer: the lane, source and sink contracts, the manifest and its errors. */

export {
  FileVerificationError,
  InsufficientSpaceError,
  SourceChangedError,
  UnsafePathError,
} from '../errors.js';
export type { TransferLane, TransferLaneKind } from '../transfer/lane.js';
export type { ManifestFile, TransferManifest } from '../transfer/manifest-types.js';
export type { FileHolding, FileSink, FileSource, Sha256, Sha256Factory } from '../transfer/source.js';
