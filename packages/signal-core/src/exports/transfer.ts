/** @lanrtc/signal-core/transfer — file transfer for platform packages: the lane, source and sink contracts and the manifest types. */

export type { TransferLane, TransferLaneKind } from '../transfer/lane.js';
export type { ManifestFile, TransferManifest } from '../transfer/manifest-types.js';
export type { FileHolding, FileSink, FileSource, Sha256, Sha256Factory } from '../transfer/source.js';
