/**
 * The messages between a page and its SHA-256 worker (`installSha256Worker`). Bytes travel as
 * transferred `ArrayBuffer`s, never copied: a chunk to verify goes to the worker and comes back with
 * its digest; a file to hash goes as its `Blob` (the worker reads it itself), its chunk hashes come
 * back as one buffer of 32-byte digests. Both sides are this package's code, loaded from one build.
 */

/** Version of these messages: a page and a worker script from different builds refuse each other. */
export const SHA256_WORKER_VERSION = 1;

/** Page → worker. */
export type Sha256WorkerRequest =
  | {
      readonly op: 'digest';
      readonly id: number;
      /** The chunk is `[offset, offset + length)` of this buffer (the frame or chunk buffer, transferred). */
      readonly buffer: ArrayBuffer;
      readonly offset: number;
      readonly length: number;
    }
  | { readonly op: 'hash-file'; readonly id: number; readonly file: Blob; readonly chunkSize: number }
  | { readonly op: 'cancel'; readonly id: number };

/** Worker → page. */
export type Sha256WorkerReply =
  | { readonly op: 'ready'; readonly version: number }
  /** Could not make a SHA-256 (no WebAssembly, or a policy forbids it): the page hashes in its own thread. */
  | { readonly op: 'unavailable'; readonly message: string }
  | { readonly op: 'digest'; readonly id: number; readonly digest: ArrayBuffer; readonly buffer: ArrayBuffer }
  /** Bytes of the file hashed so far (after each chunk). */
  | { readonly op: 'progress'; readonly id: number; readonly hashed: number }
  /** Every chunk hash of the file, 32 bytes each, in order. */
  | { readonly op: 'hashes'; readonly id: number; readonly hashes: ArrayBuffer }
  /** `read`: the file could not be read (changed or gone since it was picked); `hash`: hashing failed. */
  | { readonly op: 'failed'; readonly id: number; readonly kind: 'read' | 'hash'; readonly message: string };
