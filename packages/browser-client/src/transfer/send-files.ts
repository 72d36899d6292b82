/**
 * `sendFiles` for a page: the same call and the same `FileTransfer` as node-agent's, over the one
 * lane a browser has — the `lanrtc-files` DataChannel this side opens on an authenticated
 * connection (docs/PROTOCOL.md, "File transfer"). The files are hashed before the channel opens,
 * so the receiver's stall timer does not run while a large file is read.
 */
import {
  FILES_CHANNEL_LABEL,
  type FileSource,
  type FileTransfer,
  negotiateSenderLane,
  runSender,
  type Sha256Factory,
  startFileTransfer,
} from '@lanrtc/signal-core/transfer';
import type { BrowserConnection } from '../direct/session.js';
import { dataChannelLane, peerLimit } from './datachannel-lane.js';
import { createFileSource, FILE_SOURCE_CHUNK_BYTES, type PathedFile } from './file-source.js';
import type { Sha256Worker } from './sha256-worker-client.js';
import { loadWasmSha256 } from './wasm-sha256.js';

/** Options of the page's `sendFiles`. */
export interface BrowserSendFilesInit {
  /** Bytes per chunk, a power of two from 64 KiB to 16 MiB (default 1 MiB). */
  readonly chunkSize?: number;
  /** SHA-256 to hash with (default `loadWasmSha256()`: WebAssembly, else signal-core's pure-JS `nobleSha256`). */
  readonly sha256?: Sha256Factory;
  /** The page's SHA-256 worker (`startSha256Worker`): the hashing pass runs there, off the page's thread. */
  readonly hashWorker?: Sha256Worker | undefined;
  /** While hashing, before anything moves: bytes hashed of the total. */
  readonly onHashProgress?: (hashedBytes: number, totalBytes: number) => void;
  readonly signal?: AbortSignal;
}

/**
 * Offer `files` (each a `File`, or a `PathedFile` from a dropped folder), or a ready `FileSource`, to the other side of `connection` and send what it accepts;
 * the receiver runs `receiveFiles` (page or Node).
 */
export function sendFiles(
  connection: BrowserConnection,
  files: readonly (File | PathedFile)[] | FileSource,
  init: BrowserSendFilesInit = {},
): FileTransfer {
  return startFileTransfer(async ({ signal, onProgress }) => {
    const source = !('manifest' in files)
      ? await createFileSource(files, {
          sha256: init.sha256 ?? (await loadWasmSha256()),
          chunkSize: init.chunkSize ?? FILE_SOURCE_CHUNK_BYTES,
          worker: init.hashWorker,
          signal,
          ...(init.onHashProgress ? { onHashProgress: init.onHashProgress } : {}),
        })
      : files;
    const control = dataChannelLane(
      connection.peer.createDataChannel(FILES_CHANNEL_LABEL, { ordered: true }),
      peerLimit(connection),
    );
    try {
      const lane = await negotiateSenderLane({ control, lanes: ['datachannel'], signal });
      return await runSender({ lane, source, signal, onProgress });
    } finally {
      // The receiver's COMPLETE has arrived (or the transfer failed): nothing is left to flush.
      control.close();
      await source.close();
    }
  }, init.signal);
}
