/**
 * `receiveFiles` for a page: wait for the sender's `lanrtc-files` DataChannel on an authenticated
 * connection, answer its lane negotiation with the DataChannel (a page has no TLS lane), ask
 * `decide`, and hand every verified file to the user as a download (`createDownloadSink`). A page
 * keeps no partial file between visits, so it resumes nothing: an interrupted transfer sends its
 * unfinished files again in full.
 */

import type { AbortSignalLike } from '@lanrtc/signal-core';
import {
  FILES_CHANNEL_LABEL,
  type FileSink,
  type FileTransfer,
  negotiateReceiverLane,
  runReceiver,
  type Sha256Factory,
  startFileTransfer,
  type TransferDecision,
  type TransferLane,
  type TransferOffer,
} from '@lanrtc/signal-core/transfer';
import type { BrowserConnection } from '../direct/session.js';
import { dataChannelLane, peerLimit } from './datachannel-lane.js';
import { createDownloadSink, type ReceivedFile } from './download-sink.js';
import type { Sha256Worker } from './sha256-worker-client.js';
import { loadWasmSha256 } from './wasm-sha256.js';

/** How long a receiver that ended leaves the channel for the sender to close (its last frame drains). */
const LINGER_MS = 5_000;

/** Options of the page's `receiveFiles`. */
export interface BrowserReceiveFilesInit {
  /** Accept (true) or decline (false) the offer: ask the user. */
  readonly decide: (offer: TransferOffer) => TransferDecision | Promise<TransferDecision>;
  /** What to do with each verified file (default: the browser's download, `saveDownload`). */
  readonly deliver?: (file: ReceivedFile) => void;
  /** Largest transfer accepted (default `DOWNLOAD_SINK_MAX_BYTES`, 2 GiB). */
  readonly maxBytes?: number;
  /** Another sink instead of downloads (then `deliver` and `maxBytes` are not used). */
  readonly sink?: FileSink;
  /** SHA-256 to verify with (default `loadWasmSha256()`: WebAssembly, else signal-core's pure-JS `nobleSha256`). */
  readonly sha256?: Sha256Factory;
  /**
   * The page's SHA-256 worker (`startSha256Worker`): each chunk is verified there (its buffer
   * transferred, not copied) while the next one arrives, instead of on the page's thread.
   */
  readonly hashWorker?: Sha256Worker | undefined;
  readonly signal?: AbortSignal;
}

/** Receive the transfer the other side of `connection` starts with `sendFiles`. */
export function receiveFiles(connection: BrowserConnection, init: BrowserReceiveFilesInit): FileTransfer {
  return startFileTransfer(async ({ signal, onProgress }) => {
    const sha256 = init.sha256 ?? (await loadWasmSha256());
    const channel = await untilAborted(connection.peer.channel(FILES_CHANNEL_LABEL), signal);
    const control = dataChannelLane(channel, peerLimit(connection));
    const sink =
      init.sink ??
      createDownloadSink({
        sha256,
        ...(init.deliver ? { deliver: init.deliver } : {}),
        ...(init.maxBytes !== undefined ? { maxBytes: init.maxBytes } : {}),
      });
    try {
      const lane = await negotiateReceiverLane({ control, lanes: ['datachannel'], signal });
      const result = await runReceiver({
        lane,
        sink,
        sha256,
        chunkDigest: init.hashWorker
          ? (bytes) => (init.hashWorker as Sha256Worker).digestChunk(bytes)
          : undefined,
        decide: (summary) => init.decide({ ...summary, from: connection.remote }),
        signal,
        onProgress,
      });
      return result;
    } finally {
      await sink.close();
      // Closing at once could cut off this side's last frame (COMPLETE, DECLINE, ABORT) still
      // queued: the sender closes once it has it. A cancel here closes at once.
      if (!signal.aborted) await closedOrLater(control, LINGER_MS);
      control.close();
    }
  }, init.signal);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignalLike): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort);
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function closedOrLater(lane: TransferLane, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    const off = lane.onClose(done);
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}
