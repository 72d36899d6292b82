/**
 * The worker half of a page's off-thread SHA-256, for the app's own dedicated worker script:
 * `installSha256Worker(self)` answers the page's `startSha256Worker`. It hashes a received chunk
 * (handed over, handed back) and reads and hashes a file to send, chunk by chunk, so neither the
 * sender's hashing pass nor the receiver's verification runs on the page's thread, which is left to
 * the DataChannel, the progress list and the page. hash-wasm's WebAssembly SHA-256, as in the page:
 * a worker of an `http://<lan-ip>` page has no `crypto.subtle` either. This module imports nothing
 * from the page side.
 */
import { createSHA256, type IHasher } from 'hash-wasm';
import {
  SHA256_WORKER_VERSION,
  type Sha256WorkerReply,
  type Sha256WorkerRequest,
} from './sha256-worker-messages.js';

/** What `installSha256Worker` needs of the worker's global scope (`self` in a dedicated worker). */
export interface Sha256WorkerScope {
  postMessage(message: Sha256WorkerReply, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<Sha256WorkerRequest>) => void): void;
}

/** Answer the page's hashing requests on `scope`; says `ready` (or `unavailable`) once its SHA-256 is made. */
export function installSha256Worker(scope: Sha256WorkerScope): void {
  const post = (reply: Sha256WorkerReply, transfer: Transferable[] = []) =>
    scope.postMessage(reply, transfer);
  const cancelled = new Set<number>();
  let hasher: IHasher | undefined;
  // Requests that arrive before the hasher exists wait for it, in order.
  const early: Sha256WorkerRequest[] = [];

  // One hasher serves every request: each hash runs from `init` to `digest` without yielding.
  const digestOf = (bytes: Uint8Array): ArrayBuffer => {
    const h = hasher as IHasher;
    h.init();
    h.update(bytes);
    return (h.digest('binary') as Uint8Array<ArrayBuffer>).buffer;
  };

  const hashFile = async (id: number, file: Blob, chunkSize: number) => {
    const count = Math.ceil(file.size / chunkSize);
    const hashes = new Uint8Array(count * 32);
    const read = (c: number) => file.slice(c * chunkSize, (c + 1) * chunkSize).arrayBuffer();
    // The next chunk is read while this one is hashed.
    let next = count > 0 ? read(0) : undefined;
    let hashed = 0;
    for (let c = 0; next; c++) {
      let bytes: ArrayBuffer;
      try {
        bytes = await next;
      } catch (error) {
        // Chromium fails the read (NotReadableError) once the file on disk differs from the one picked.
        return post({ op: 'failed', id, kind: 'read', message: String(error) });
      }
      if (cancelled.delete(id)) return;
      next = c + 1 < count ? read(c + 1) : undefined;
      hashes.set(new Uint8Array(digestOf(new Uint8Array(bytes))), c * 32);
      hashed += bytes.byteLength;
      post({ op: 'progress', id, hashed });
    }
    post({ op: 'hashes', id, hashes: hashes.buffer }, [hashes.buffer]);
  };

  const handle = (request: Sha256WorkerRequest) => {
    switch (request.op) {
      case 'digest': {
        const digest = digestOf(new Uint8Array(request.buffer, request.offset, request.length));
        post({ op: 'digest', id: request.id, digest, buffer: request.buffer }, [digest, request.buffer]);
        return;
      }
      case 'hash-file':
        void hashFile(request.id, request.file, request.chunkSize).catch((error: unknown) =>
          post({ op: 'failed', id: request.id, kind: 'hash', message: String(error) }),
        );
        return;
      case 'cancel':
        cancelled.add(request.id);
        return;
    }
  };

  scope.addEventListener('message', (event) => {
    if (hasher) handle(event.data);
    else early.push(event.data);
  });
  createSHA256().then(
    (made) => {
      hasher = made;
      post({ op: 'ready', version: SHA256_WORKER_VERSION });
      for (const request of early.splice(0)) handle(request);
    },
    (error: unknown) => post({ op: 'unavailable', message: String(error) }),
  );
}
