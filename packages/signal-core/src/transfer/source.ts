/**
 * What a transfer reads from and writes to, so the protocol engines stay platform-free: Node reads
 * and writes files on disk (node-agent), a browser reads `File`s and hands downloads to the user
 * (browser-client), tests use memory.
 */
import type { TransferManifest } from './manifest-types.js';

/** Incremental SHA-256 (FIPS 180-4): Node's native hash, Web Crypto-free pure JS in a browser. */
export interface Sha256 {
  update(data: Uint8Array): void;
  /** The 32-byte digest; the hasher is spent afterwards. */
  digest(): Uint8Array;
}

/** Makes a fresh incremental SHA-256. */
export type Sha256Factory = () => Sha256;

/**
 * One-shot SHA-256 of a whole chunk that may run off the calling thread (a worker, Web Crypto), so a
 * receiver can verify one chunk while it decrypts and reads the next. The caller leaves the bytes
 * unchanged until the promise settles (an implementation may read them in place).
 */
export type ChunkDigest = (bytes: Uint8Array) => Promise<Uint8Array>;

/**
 * A `ChunkDigest` that moves the bytes to where it hashes them (transfers their buffer to a Web
 * Worker, which detaches the caller's view) and hands them back with the digest: the caller gives
 * bytes whose buffer nothing else uses and goes on with the returned `bytes`.
 */
export type MovingChunkDigest = (bytes: Uint8Array) => Promise<DigestedChunk>;

/** A chunk handed back by a `MovingChunkDigest`, with its SHA-256. */
export interface DigestedChunk {
  readonly digest: Uint8Array;
  /** The same bytes as given, in the buffer that came back. */
  readonly bytes: Uint8Array;
}

/** The sending side's files: a manifest made up front, then chunks read on demand. */
export interface FileSource {
  /** The manifest of every file (hashes computed while it was built). */
  readonly manifest: TransferManifest;
  /**
   * Bytes `[chunkIndex * chunkSize, …)` of file `fileIndex`, at most `chunkSize` long. Throws
   * `SourceChangedError` when the file no longer matches its manifest entry (size or mtime).
   */
  readChunk(fileIndex: number, chunkIndex: number): Promise<Uint8Array>;
  /**
   * Optional: the engine is done with bytes `readChunk` returned — the receiver acknowledged that
   * chunk, so no lane still holds them —, and the source may reuse their memory.
   */
  release?(bytes: Uint8Array): void;
  /** Release open file handles. */
  close(): Promise<void>;
}

/** What the receiving side already holds of one offered file. */
export interface FileHolding {
  /**
   * `complete`: the file is there under its final name with this content (nothing to send);
   * `partial`: a partial file whose `verifiedChunks` matched the manifest's hashes when re-read.
   */
  readonly state: 'complete' | 'partial' | 'none';
  /** Chunk indexes already on disk and verified (empty unless `partial`). */
  readonly verifiedChunks: ReadonlySet<number>;
}

/** The receiving side's storage for one accepted transfer. */
export interface FileSink {
  /**
   * Check the offer against this storage before accepting: every path resolves inside the target
   * (`UnsafePathError` otherwise) and there is room for the bytes still to come
   * (`InsufficientSpaceError`). Resolves with what is held of each file (resume).
   */
  prepare(manifest: TransferManifest): Promise<FileHolding[]>;
  /** Write a verified chunk of file `fileIndex` at its offset (to the file's temporary name). */
  writeChunk(fileIndex: number, chunkIndex: number, data: Uint8Array): Promise<void>;
  /**
   * Every chunk of `fileIndex` is written and verified: check that every chunk is there and that the
   * chunk hash list matches the file hash (`fileHashOf`; the written chunks need not be re-hashed), make
   * it durable and give it its final name (temporary name, fsync, rename; mode and mtime applied).
   * `FileVerificationError` when a chunk is missing or the list does not match.
   */
  finishFile(fileIndex: number): Promise<{ readonly finalPath: string }>;
  /** Stop: partial files stay under their temporary names for a later resume. */
  close(): Promise<void>;
}
