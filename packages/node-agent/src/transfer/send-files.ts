/**
 * `sendFiles`: offer files and folders to the peer of an authenticated connection. Opens the
 * `lanrtc-files` control channel, agrees a lane with the receiver (TLS 1.3 pinned to the peer's
 * DTLS certificate when it can connect, else the channel itself), then runs signal-core's sending
 * engine over it (docs/PROTOCOL.md, "File transfer").
 */

import { TransferAbortedError } from '@lanrtc/signal-core';
import {
  FILES_CHANNEL_LABEL,
  type FileTransfer,
  negotiateSenderLane,
  runSender,
  startFileTransfer,
  type TransferLane,
  type TransferLaneKind,
} from '@lanrtc/signal-core/transfer';
import type { NodeConnection } from '../direct/connection.js';
import type { DtlsCertificate } from '../peer/certificate.js';
import { weriftDataChannelLane } from './datachannel-lane.js';
import { nodeSignal } from './files-channel.js';
import { createFsSource } from './fs-source.js';
import { forgetChunkHashes } from './hash-cache.js';
import { createChunkHashStore } from './hash-store.js';
import { connectTlsLane } from './tls-lane-connect.js';

/** Options of `sendFiles`. */
export interface SendFilesInit {
  /** This agent's DTLS certificate (the one `connection` authenticated), presented on the TLS lane. */
  readonly certificate: DtlsCertificate;
  /** Lanes this side allows, preferred first (default `['tls', 'datachannel']`). */
  readonly lanes?: readonly TransferLaneKind[];
  /** Bytes per chunk, the unit of hashing and resume: a power of two from 64 KiB to 16 MiB (default 1 MiB). */
  readonly chunkSize?: number;
  /**
   * Folder where the chunk hashes of large files are kept between runs (`createChunkHashStore`), so
   * sending an unchanged file again — resuming — starts without hashing it first. Cleared when the
   * receiver refuses a chunk or a file as not matching its hash. Default: none.
   */
  readonly hashStoreDir?: string;
  /** Cancels the transfer like `cancel()`. */
  readonly signal?: AbortSignal;
}

/** The receiver's reasons that say a hash this side offered was wrong: a stored one may be stale. */
const HASH_REFUSED = new Set(['ChunkVerificationError', 'FileVerificationError']);

/**
 * Send `paths` (files, and folders with everything under them) to the peer of `connection`; the
 * receiver's `receiveFiles` decides. `done` rejects with a typed error: `TransferDeclinedError`,
 * `SourceChangedError`, `TransferAbortedError` (the receiver's reason), `TransferCancelledError`, …
 */
export function sendFiles(
  connection: NodeConnection,
  paths: readonly string[],
  init: SendFilesInit,
): FileTransfer {
  const hashStore =
    init.hashStoreDir !== undefined ? createChunkHashStore({ dir: init.hashStoreDir }) : undefined;
  return startFileTransfer(async ({ signal, onProgress }) => {
    const source = await createFsSource(paths, {
      ...(init.chunkSize !== undefined ? { chunkSize: init.chunkSize } : {}),
      ...(hashStore ? { hashStore } : {}),
      signal: nodeSignal(signal),
    });
    let control: TransferLane | undefined;
    let lane: TransferLane | undefined;
    try {
      control = weriftDataChannelLane(connection.peer.createDataChannel(FILES_CHANNEL_LABEL));
      lane = await negotiateSenderLane({
        control,
        ...(init.lanes ? { lanes: init.lanes } : {}),
        connectTls: ({ endpoints, token, timeoutMs, signal: attempt }) =>
          connectTlsLane({
            certificate: init.certificate,
            remoteFingerprint: connection.remoteFingerprint,
            endpoints: endpoints.map((e) => ({ address: e.host, port: e.port })),
            token,
            timeoutMs,
            signal: nodeSignal(attempt),
          }),
        signal,
      });
      // The receiver sent COMPLETE last, so closing now loses nothing of the transfer.
      return await runSender({ lane, source, signal, onProgress });
    } catch (error) {
      // A hash the receiver refused may have come from a cache gone stale: the next run hashes anew.
      if (error instanceof TransferAbortedError && HASH_REFUSED.has(error.reason)) {
        forgetChunkHashes();
        await hashStore?.clear().catch(() => undefined);
      }
      throw error;
    } finally {
      lane?.close();
      control?.close();
      await source.close();
    }
  }, init.signal);
}
