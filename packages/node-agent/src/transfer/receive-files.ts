/**
 * `receiveFiles`: take the next transfer the peer of an authenticated connection offers. Waits for
 * its `lanrtc-files` control channel, agrees a lane (listens for the TLS 1.3 lane on this side's
 * address, pinned to the peer's DTLS certificate, unless only the channel is allowed), asks the
 * application, and runs signal-core's receiving engine into a directory (docs/PROTOCOL.md, "File
 * transfer").
 */
import type { PublicIdentity } from '@lanrtc/signal-core';
import {
  type FileTransfer,
  negotiateReceiverLane,
  runReceiver,
  startFileTransfer,
  type TransferDecision,
  type TransferLane,
  type TransferLaneKind,
  type TransferOffer,
} from '@lanrtc/signal-core/transfer';
import type { NodeConnection } from '../direct/connection.js';
import type { DtlsCertificate } from '../peer/certificate.js';
import { weriftDataChannelLane } from './datachannel-lane.js';
import { localAddresses, nextFilesChannel, nodeSignal } from './files-channel.js';
import { createFsSink } from './fs-sink.js';
import { nodeChunkDigest } from './node-chunk-digest.js';
import { nodeSha256 } from './node-sha256.js';
import { listenTlsLane } from './tls-lane-listen.js';

/** How long the receiver leaves its lane open after COMPLETE for the sender to close it first. */
const CLOSE_GRACE_MS = 2_000;

/** Options of `receiveFiles`. */
export interface ReceiveFilesInit {
  /** Where files land (created at the first write); nothing is ever written outside it. */
  readonly dir: string;
  /** This agent's DTLS certificate (the one `connection` authenticated), presented on the TLS lane. */
  readonly certificate: DtlsCertificate;
  /** Accept (`true`), decline (`false`) or decline as `'busy'`; the offer shows what is already here (`heldBytes`: resume, identical files). */
  readonly decide: (offer: TransferOffer) => TransferDecision | Promise<TransferDecision>;
  /** Lanes this side allows (default `['tls', 'datachannel']`). */
  readonly lanes?: readonly TransferLaneKind[];
  /** Addresses of this machine to listen on for the TLS lane (default: the address this connection uses). */
  readonly tlsAddresses?: readonly string[];
  /** Cancels the transfer like `cancel()`. */
  readonly signal?: AbortSignal;
}

/**
 * Receive the next transfer offered on `connection` into `init.dir`. `done` rejects with a typed
 * error: `TransferDeclinedError` (declined here), `InsufficientSpaceError`, `UnsafePathError`,
 * `ChunkVerificationError`, `TransferAbortedError` (the sender's reason), `TransferCancelledError`, …
 */
export function receiveFiles(connection: NodeConnection, init: ReceiveFilesInit): FileTransfer {
  return startFileTransfer(async ({ signal, onProgress }) => {
    const from: PublicIdentity = connection.remote;
    const sink = createFsSink({ dir: init.dir });
    let control: TransferLane | undefined;
    let lane: TransferLane | undefined;
    let completed = false;
    let laneClosed: Promise<void> | undefined;
    try {
      control = weriftDataChannelLane(await nextFilesChannel(connection, signal));
      const addresses = init.tlsAddresses ?? localAddresses(connection.peer.pc);
      lane = await negotiateReceiverLane({
        control,
        ...(init.lanes ? { lanes: init.lanes } : {}),
        ...(addresses.length > 0
          ? {
              listenTls: async () => {
                const listener = await listenTlsLane({
                  certificate: init.certificate,
                  remoteFingerprint: connection.remoteFingerprint,
                  addresses,
                  signal: nodeSignal(signal),
                });
                return {
                  endpoints: listener.endpoints.map((e) => ({ host: e.address, port: e.port })),
                  token: listener.token,
                  accepted: listener.accepted,
                  close: () => listener.close(),
                };
              },
            }
          : {}),
        signal,
      });
      const chosen = lane;
      laneClosed = new Promise((resolve) => chosen.onClose(() => resolve()));
      const result = await runReceiver({
        lane,
        sink,
        sha256: nodeSha256,
        chunkDigest: nodeChunkDigest,
        decide: (summary) => init.decide({ ...summary, from }),
        signal,
        onProgress,
      });
      completed = true;
      return result;
    } finally {
      await sink.close();
      // After COMPLETE the sender closes; closing here at once could drop COMPLETE still queued.
      if (completed && laneClosed) await closedOrTimeout(laneClosed, CLOSE_GRACE_MS);
      lane?.close();
      control?.close();
    }
  }, init.signal);
}

async function closedOrTimeout(closed: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
