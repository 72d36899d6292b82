/**
 * One-shot SHA-256 (FIPS 180-4) of a chunk on libuv's thread pool: Node runs Web Crypto's `digest`
 * as an asynchronous job there, so the JavaScript thread decrypts and frames the next chunk (or reads
 * the next one from disk) while this one is hashed, and the two cores both work.
 */
import { webcrypto } from 'node:crypto';
import type { ChunkDigest } from '@lanrtc/signal-core/transfer';

/** SHA-256 of `bytes`, computed off the JavaScript thread (the bytes are copied into the job first). */
export const nodeChunkDigest: ChunkDigest = async (bytes) =>
  new Uint8Array(await webcrypto.subtle.digest('SHA-256', bytes));
