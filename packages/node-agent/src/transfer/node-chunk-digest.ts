/**
 * One-shot SHA-256 (FIPS 180-4) of a chunk on a worker thread (at most two of them), so the
 * JavaScript thread decrypts and frames the next chunk (or reads the next one from disk) while this
 * one is hashed, and a second core works. The chunk is not copied: bytes in a `SharedArrayBuffer` are read by the worker in place.
 * (Web Crypto's `digest`, Node's other off-thread hash, copies its input on the calling thread first,
 * measured to cost about as much there as hashing it.) Bytes in an ordinary buffer are hashed here.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ChunkDigest } from '@lanrtc/signal-core/transfer';

// CommonJS evaluated in the worker: no file to locate next to the built or the source module.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, buffer, offset, length }) => {
  const digest = createHash('sha256').update(new Uint8Array(buffer, offset, length)).digest();
  parentPort.postMessage({ id, digest: new Uint8Array(digest) });
});
`;

interface Pending {
  readonly resolve: (digest: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

/** One hashing thread and the chunks it was given and has not answered yet. */
interface Hasher {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/**
 * Up to two threads: a sender's manifest pass runs while its receiver waits for the offer, so both
 * cores of a small machine can hash; more threads than cores would only add switching.
 */
const HASHERS = Math.max(1, Math.min(2, availableParallelism()));

const hashers: (Hasher | undefined)[] = [];
let nextId = 0;

function startHasher(slot: number): Hasher {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  const hasher: Hasher = { worker, pending: new Map() };
  worker.on('message', ({ id, digest }: { id: number; digest: Uint8Array }) => {
    const waiting = hasher.pending.get(id);
    hasher.pending.delete(id);
    // An idle worker must not keep the process alive.
    if (hasher.pending.size === 0) worker.unref();
    waiting?.resolve(digest);
  });
  const lost = (error: Error) => {
    if (hashers[slot] === hasher) hashers[slot] = undefined;
    for (const waiting of hasher.pending.values()) waiting.reject(error);
    hasher.pending.clear();
  };
  worker.on('error', lost);
  worker.on('exit', (code) => lost(new Error(`the hashing worker exited (code ${code})`)));
  worker.unref();
  hashers[slot] = hasher;
  return hasher;
}

/** The thread with the fewest chunks waiting (a new one while fewer than `HASHERS` run). */
function leastBusy(): Hasher {
  let best: Hasher | undefined;
  for (let slot = 0; slot < HASHERS; slot++) {
    const hasher = hashers[slot] ?? (best && best.pending.size === 0 ? undefined : startHasher(slot));
    if (hasher && (!best || hasher.pending.size < best.pending.size)) best = hasher;
  }
  return best as Hasher;
}

function hashHere(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/**
 * SHA-256 of `bytes`: on a worker thread when they live in a `SharedArrayBuffer` (they must not change
 * until the promise settles), else on this thread.
 */
export const nodeChunkDigest: ChunkDigest = (bytes) => {
  if (!(bytes.buffer instanceof SharedArrayBuffer)) return Promise.resolve(hashHere(bytes));
  const hasher = leastBusy();
  const id = nextId++;
  return new Promise<Uint8Array>((resolve, reject) => {
    if (hasher.pending.size === 0) hasher.worker.ref();
    hasher.pending.set(id, { resolve, reject });
    hasher.worker.postMessage({
      id,
      buffer: bytes.buffer,
      offset: bytes.byteOffset,
      length: bytes.byteLength,
    });
  });
};

/** A `Buffer` of `length` bytes in a `SharedArrayBuffer`, which `nodeChunkDigest` hashes off this thread. */
export function sharedBuffer(length: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(length));
}
