/**
 * One-shot SHA-256 (FIPS 180-4) of a chunk on a worker thread, so the JavaScript thread decrypts and
 * frames the next chunk (or reads the next one from disk) while this one is hashed, and a second core
 * works. The chunk is not copied: bytes in a `SharedArrayBuffer` are read by the worker in place.
 * (Web Crypto's `digest`, Node's other off-thread hash, copies its input on the calling thread first,
 * measured to cost about as much there as hashing it.) Bytes in an ordinary buffer are hashed here.
 */
import { createHash } from 'node:crypto';
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

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 0;

function hashWorker(): Worker {
  if (worker) return worker;
  const started = new Worker(WORKER_SOURCE, { eval: true });
  started.on('message', ({ id, digest }: { id: number; digest: Uint8Array }) => {
    const waiting = pending.get(id);
    pending.delete(id);
    // An idle worker must not keep the process alive.
    if (pending.size === 0) started.unref();
    waiting?.resolve(digest);
  });
  const lost = (error: Error) => {
    if (worker === started) worker = undefined;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  started.on('error', lost);
  started.on('exit', (code) => lost(new Error(`the hashing worker exited (code ${code})`)));
  started.unref();
  worker = started;
  return started;
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
  const hasher = hashWorker();
  const id = nextId++;
  return new Promise<Uint8Array>((resolve, reject) => {
    if (pending.size === 0) hasher.ref();
    pending.set(id, { resolve, reject });
    hasher.postMessage({ id, buffer: bytes.buffer, offset: bytes.byteOffset, length: bytes.byteLength });
  });
};

/** A `Buffer` of `length` bytes in a `SharedArrayBuffer`, which `nodeChunkDigest` hashes off this thread. */
export function sharedBuffer(length: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(length));
}
