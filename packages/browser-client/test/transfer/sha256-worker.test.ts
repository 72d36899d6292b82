/**
 * The page's SHA-256 worker, both halves in one Node process: `installSha256Worker` on one end of a
 * `MessageChannel` (what a dedicated worker's `self` does: `postMessage` with a transfer list,
 * `message` events) and `startSha256Worker` on the other, as a page holds its `Worker`. Digests
 * against node:crypto, the chunk's buffer moved there and back (the caller's view detached), a file's
 * chunk hashes and progress, `createFileSource` giving the same manifest with and without the worker,
 * and a worker that never becomes ready (the page then hashes itself). Node's global `MessageChannel`
 * is worker_threads', whose ports move transferred buffers as a worker's do.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFileSource } from '../../src/transfer/file-source.js';
import { installSha256Worker, type Sha256WorkerScope } from '../../src/transfer/sha256-worker.js';
import { type Sha256Worker, startSha256Worker } from '../../src/transfer/sha256-worker-client.js';
import { nodeSha256, sha256Of } from './node-sha256.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const KIB64 = 64 * 1024;

/** A "worker" whose other end runs `installSha256Worker` (or nothing, with `install: false`). */
function channelWorker(install = true): { worker: Worker; terminated: () => boolean } {
  const { port1, port2 } = new MessageChannel();
  if (install) installSha256Worker(port2 as unknown as Sha256WorkerScope);
  let terminated = false;
  const worker = Object.assign(port1, {
    terminate() {
      terminated = true;
      port1.close();
      port2.close();
    },
  });
  return { worker: worker as unknown as Worker, terminated: () => terminated };
}

async function started(): Promise<Sha256Worker> {
  const w = await startSha256Worker(channelWorker().worker);
  if (!w) throw new Error('the worker did not start');
  return w;
}

describe('SHA-256 worker', () => {
  it('digests a chunk there: its buffer moves over and back, the digest is node:crypto’s', async () => {
    const worker = await started();
    try {
      const frame = new Uint8Array(randomBytes(300_000));
      const want = sha256Of(frame.subarray(1000, 201_000));
      const view = frame.subarray(1000, 201_000);
      const pending = worker.digestChunk(view);
      // Transferred, not copied: the page's view is detached at once.
      expect(view.byteLength).toBe(0);
      const { digest, bytes } = await pending;
      expect(hex(digest)).toBe(hex(want));
      expect(bytes.byteOffset).toBe(1000);
      expect(hex(sha256Of(bytes))).toBe(hex(want));
    } finally {
      worker.close();
    }
  });

  it('reads and hashes a file there, chunk by chunk, and createFileSource gives the same manifest', async () => {
    const worker = await started();
    try {
      const data = new Uint8Array(randomBytes(3 * KIB64 + 17));
      const file = new File([data], 'a.bin', { lastModified: 1_700_000_000_000 });
      const seen: number[] = [];
      const hashes = await worker.hashChunks(file, KIB64, { onProgress: (n) => seen.push(n) });
      expect(hashes.map(hex)).toEqual(
        [0, 1, 2, 3].map((c) => hex(sha256Of(data.subarray(c * KIB64, (c + 1) * KIB64)))),
      );
      expect(seen).toEqual([KIB64, 2 * KIB64, 3 * KIB64, data.length]);
      const files = [file, new File([], 'empty'), new File([new Uint8Array([1, 2])], 'two')];
      const progress: number[] = [];
      const viaWorker = await createFileSource(files, {
        sha256: nodeSha256,
        chunkSize: KIB64,
        worker,
        onHashProgress: (n) => progress.push(n),
      });
      const here = await createFileSource(files, { sha256: nodeSha256, chunkSize: KIB64 });
      expect(viaWorker.manifest).toEqual(here.manifest);
      expect(progress.at(-1)).toBe(data.length + 2);
    } finally {
      worker.close();
    }
  });

  it('a worker that never says ready is not used (the page hashes itself) and is terminated', async () => {
    const silent = channelWorker(false);
    expect(await startSha256Worker(silent.worker, 100)).toBeUndefined();
    expect(silent.terminated()).toBe(true);
  });

  it('closing the worker fails what is pending with HashWorkerError', async () => {
    const worker = await started();
    const never = new Blob([new Uint8Array(8 * KIB64)]);
    const pending = worker.hashChunks(never, KIB64);
    worker.close();
    await expect(pending).rejects.toMatchObject({ name: 'HashWorkerError' });
  });
});
