/**
 * The page half of the off-thread SHA-256: `startSha256Worker` wraps the app's dedicated worker
 * (running `installSha256Worker`) as a `Sha256Worker` that `sendFiles` (hashing pass) and
 * `receiveFiles` (chunk verification) use instead of hashing on the page's thread. A page's main
 * thread runs the DataChannel, the progress list and the page; the worker runs on another core when
 * there is one. Bytes are transferred both ways, never copied.
 */
import { type AbortSignalLike, SourceChangedError } from '@lanrtc/signal-core';
import { HashWorkerError } from '../errors.js';
import {
  SHA256_WORKER_VERSION,
  type Sha256WorkerReply,
  type Sha256WorkerRequest,
} from './sha256-worker-messages.js';

/** How long a worker has to say it is ready before the page hashes on its own thread instead. */
export const SHA256_WORKER_START_MS = 5_000;

/** A running SHA-256 worker, as the page's transfers use it. */
export interface Sha256Worker {
  /**
   * SHA-256 of `bytes`, hashed in the worker. `bytes.buffer` is transferred (the caller's view is
   * detached at once) and comes back as `bytes` of the result: pass a view whose buffer nothing else uses.
   */
  digestChunk(bytes: Uint8Array): Promise<{ readonly digest: Uint8Array; readonly bytes: Uint8Array }>;
  /**
   * The worker reads `file` and hashes it chunk by chunk: each chunk's SHA-256, in order.
   * `SourceChangedError` when the file cannot be read (changed since it was picked); rejects with
   * `signal.reason` when aborted.
   */
  hashChunks(
    file: Blob,
    chunkSize: number,
    options?: { readonly onProgress?: (hashedBytes: number) => void; readonly signal?: AbortSignalLike },
  ): Promise<Uint8Array[]>;
  /** End the worker; what is pending rejects with `HashWorkerError`. */
  close(): void;
}

interface Pending {
  resolve(reply: Sha256WorkerReply): void;
  reject(error: Error): void;
  onProgress?: ((hashed: number) => void) | undefined;
}

/**
 * Wait for `worker` (the app's script calling `installSha256Worker(self)`) to be ready; resolves
 * `undefined` — hash on the page's thread — when it fails to load, cannot make a SHA-256, is of
 * another version or says nothing within `timeoutMs` (default `SHA256_WORKER_START_MS`); such a worker is terminated.
 */
export function startSha256Worker(
  worker: Worker,
  timeoutMs = SHA256_WORKER_START_MS,
): Promise<Sha256Worker | undefined> {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  return new Promise((resolveStart) => {
    const timer = setTimeout(() => giveUp(), timeoutMs);
    const giveUp = () => {
      clearTimeout(timer);
      worker.terminate();
      failAll(new HashWorkerError('the SHA-256 worker did not start'));
      resolveStart(undefined);
    };
    let started = false;
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (!started) return giveUp();
      failAll(new HashWorkerError(`the SHA-256 worker failed: ${event.message}`));
    });
    worker.addEventListener('message', (event: MessageEvent<Sha256WorkerReply>) => {
      const reply = event.data;
      if (!started) {
        if (reply.op !== 'ready' || reply.version !== SHA256_WORKER_VERSION) return giveUp();
        started = true;
        clearTimeout(timer);
        resolveStart(api);
        return;
      }
      if (reply.op === 'ready' || reply.op === 'unavailable') return;
      const p = pending.get(reply.id);
      if (!p) return;
      if (reply.op === 'progress') return p.onProgress?.(reply.hashed);
      pending.delete(reply.id);
      p.resolve(reply);
    });

    const request = (message: Sha256WorkerRequest, transfer: Transferable[], p: Pending) => {
      if (failure) return p.reject(failure);
      pending.set(message.id, p);
      worker.postMessage(message, transfer);
    };

    const api: Sha256Worker = {
      digestChunk(bytes) {
        return new Promise((resolve, reject) => {
          const { buffer, byteOffset: offset, byteLength: length } = bytes;
          if (!(buffer instanceof ArrayBuffer))
            return reject(new TypeError('digestChunk takes bytes in an ArrayBuffer'));
          const id = nextId++;
          request({ op: 'digest', id, buffer, offset, length }, [buffer], {
            reject,
            resolve(reply) {
              if (reply.op !== 'digest') return reject(new HashWorkerError(`unexpected ${reply.op}`));
              resolve({
                digest: new Uint8Array(reply.digest),
                bytes: new Uint8Array(reply.buffer, offset, length),
              });
            },
          });
        });
      },
      hashChunks(file, chunkSize, options = {}) {
        const { signal, onProgress } = options;
        if (signal?.aborted) return Promise.reject(signal.reason);
        return new Promise((resolve, reject) => {
          const id = nextId++;
          const onAbort = () => {
            pending.delete(id);
            worker.postMessage({ op: 'cancel', id } satisfies Sha256WorkerRequest);
            reject(signal?.reason);
          };
          signal?.addEventListener('abort', onAbort);
          const settle = () => signal?.removeEventListener('abort', onAbort);
          request({ op: 'hash-file', id, file, chunkSize }, [], {
            onProgress,
            reject(error) {
              settle();
              reject(error);
            },
            resolve(reply) {
              settle();
              if (reply.op === 'hashes') {
                const all = new Uint8Array(reply.hashes);
                const out: Uint8Array[] = [];
                for (let at = 0; at < all.length; at += 32) out.push(all.subarray(at, at + 32));
                return resolve(out);
              }
              if (reply.op === 'failed' && reply.kind === 'read')
                return reject(
                  new SourceChangedError(
                    `${(file as File).name ?? 'a file'} changed or went away since it was chosen`,
                    {
                      cause: new Error(reply.message),
                    },
                  ),
                );
              reject(new HashWorkerError(reply.op === 'failed' ? reply.message : `unexpected ${reply.op}`));
            },
          });
        });
      },
      close() {
        worker.terminate();
        failAll(new HashWorkerError('the SHA-256 worker was closed'));
      },
    };
  });
}
