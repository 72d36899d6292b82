/**
 * Lane negotiation on the control lane (the `lanrtc-files` DataChannel the sender opened): HELLO
 * (sender's lanes) → LANE (receiver's choice: `datachannel`, or `tls` with endpoints and a one-time
 * token) → the sender connects over TLS, presenting the token in the TLS lane's preamble, or
 * says USE_DATACHANNEL. The receiver takes whichever comes first. Opening TLS is the platform's
 * (callbacks); this file only runs the exchange (docs/PROTOCOL.md, "File transfer").
 */
import { type AbortSignalLike, createLinkedAbort } from '../encoding/abort.js';
import { timers } from '../encoding/timers.js';
import {
  TransferAbortedError,
  TransferCancelledError,
  TransferDeclinedError,
  TransferLaneError,
  TransferProtocolError,
  TransferStalledError,
  TransportClosedError,
} from '../errors.js';
import type { Unsubscribe } from '../events.js';
import { declinedByReceiver } from './decline.js';
import {
  decodeTransferFrame,
  encodeTransferFrame,
  type TransferEndpoint,
  type TransferFrame,
} from './frames.js';
import type { TransferLane, TransferLaneKind } from './lane.js';
import { DEFAULT_STALL_TIMEOUT_MS } from './limits.js';
import { abortReason } from './session.js';

/** Default time the sender gives a TLS connection before it falls back to the DataChannel. */
export const TLS_CONNECT_TIMEOUT_MS = 3_000;

/** What the receiver's platform returns when it listens for the TLS lane. */
export interface TlsLaneListener {
  readonly endpoints: readonly TransferEndpoint[];
  /** 32 random bytes the connecting sender must present in the TLS lane preamble. */
  readonly token: Uint8Array;
  /** The first connection that presented the token (and the pinned certificate). */
  readonly accepted: Promise<TransferLane>;
  /** Stop listening (an accepted lane stays open). */
  close(): void;
}

/** Options of `negotiateSenderLane`. */
export interface SenderLaneInit {
  /** The `lanrtc-files` DataChannel, as a lane. */
  readonly control: TransferLane;
  /** Lanes this side allows, in preference order (default `['tls', 'datachannel']`). */
  readonly lanes?: readonly TransferLaneKind[];
  /** Connect to the receiver's TLS lane and present `token` (the platform's lane preamble); absent: no TLS. */
  readonly connectTls?: (offer: {
    readonly endpoints: readonly TransferEndpoint[];
    readonly token: Uint8Array;
    readonly timeoutMs: number;
    readonly signal: AbortSignalLike;
  }) => Promise<TransferLane>;
  /** Time given to `connectTls` (default 3 s). */
  readonly tlsTimeoutMs?: number;
  /** Time to wait for the receiver's LANE frame (default 30 s). */
  readonly stallTimeoutMs?: number;
  readonly signal?: AbortSignalLike;
}

/** Options of `negotiateReceiverLane`. */
export interface ReceiverLaneInit {
  readonly control: TransferLane;
  /** Lanes this side allows (default `['tls', 'datachannel']`). */
  readonly lanes?: readonly TransferLaneKind[];
  /** Listen for the sender's TLS lane; absent: no TLS. */
  readonly listenTls?: () => Promise<TlsLaneListener>;
  /** Time to wait for each of the sender's frames (default 30 s). */
  readonly stallTimeoutMs?: number;
  readonly signal?: AbortSignalLike;
}

/**
 * Reads the control lane's frames into a queue from the start, so a frame that arrives right after
 * the deciding one (the sender's OFFER behind its USE_DATACHANNEL) is handed to the engine, not lost.
 */
interface ControlReader {
  next(timeoutMs: number, signal: AbortSignalLike | undefined): Promise<TransferFrame>;
  /** The control lane, replaying frames read but not consumed to its first listener. */
  handover(): TransferLane;
  /** Stop reading (the lane stays open). */
  release(): void;
}

function readControl(lane: TransferLane): ControlReader {
  const queue: Uint8Array[] = [];
  let closedWith: Error | undefined;
  let wake: (() => void) | undefined;
  let forward: ((frame: Uint8Array) => void) | undefined;
  const offFrame = lane.onFrame((frame) => {
    if (forward) forward(frame);
    else queue.push(frame);
    wake?.();
  });
  const offClose = lane.onClose((error) => {
    closedWith = new TransportClosedError(
      'the transfer control lane closed',
      error ? { cause: error } : undefined,
    );
    wake?.();
  });
  return {
    async next(timeoutMs, signal) {
      for (;;) {
        const bytes = queue.shift();
        if (bytes) {
          const frame = decodeTransferFrame(bytes);
          if (frame.type === 'keepalive') continue;
          if (frame.type === 'abort')
            throw new TransferAbortedError(`the peer aborted the transfer: ${frame.text}`, frame.reason);
          if (frame.type === 'decline') throw declinedByReceiver(frame.reason, frame.text);
          return frame;
        }
        if (closedWith) throw closedWith;
        if (signal?.aborted) throw new TransferCancelledError('transfer cancelled', { cause: signal.reason });
        let timer: unknown;
        let onAbort: (() => void) | undefined;
        const timedOut = await new Promise<boolean>((resolve) => {
          wake = () => resolve(false);
          onAbort = () => resolve(false);
          signal?.addEventListener('abort', onAbort);
          timer = timers.setTimeout(() => resolve(true), timeoutMs);
        });
        wake = undefined;
        timers.clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
        if (timedOut) throw new TransferStalledError(`no frame from the peer for ${timeoutMs} ms`);
      }
    },
    handover() {
      const listeners = new Set<(frame: Uint8Array) => void>();
      forward = (frame) => {
        for (const listener of [...listeners]) listener(frame);
      };
      offClose();
      return {
        kind: lane.kind,
        maxFrameBytes: lane.maxFrameBytes,
        write: (frame) => lane.write(frame),
        onFrame(listener): Unsubscribe {
          listeners.add(listener);
          // The first listener gets what arrived before it subscribed, in order, before anything newer.
          for (const frame of queue.splice(0)) listener(frame);
          return () => void listeners.delete(listener);
        },
        onClose: (listener) => lane.onClose(listener),
        close() {
          offFrame();
          lane.close();
        },
      };
    },
    release() {
      offFrame();
      offClose();
      // A pending `next` ends now instead of at its timeout.
      closedWith ??= new TransportClosedError('control reader released');
      wake?.();
    },
  };
}

/** Send the peer an ABORT for a local failure (not for one the peer caused or already knows). */
async function tellPeer(control: TransferLane, error: unknown): Promise<void> {
  const peerKnows =
    error instanceof TransferAbortedError ||
    error instanceof TransportClosedError ||
    error instanceof TransferDeclinedError;
  if (peerKnows || !(error instanceof Error)) return;
  await control.write(encodeTransferFrame({ type: 'abort', ...abortReason(error) })).catch(() => {});
}

const DEFAULT_LANES: readonly TransferLaneKind[] = ['tls', 'datachannel'];

/** Run the sender's half of lane negotiation; resolves with the lane to run `runSender` on. */
export async function negotiateSenderLane(init: SenderLaneInit): Promise<TransferLane> {
  const { control } = init;
  const allowed = (init.lanes ?? DEFAULT_LANES).filter(
    (lane) => lane !== 'tls' || init.connectTls !== undefined,
  );
  if (allowed.length === 0) throw new TransferLaneError('no transfer lane allowed');
  const reader = readControl(control);
  try {
    await control.write(encodeTransferFrame({ type: 'hello', lanes: allowed }));
    const frame = await reader.next(init.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS, init.signal);
    if (frame.type !== 'lane') throw new TransferProtocolError(`expected LANE, got ${frame.type}`);
    if (!allowed.includes(frame.lane))
      throw new TransferProtocolError(`the receiver chose ${frame.lane}, not offered`);
    if (frame.lane === 'datachannel') return reader.handover();
    const timeoutMs = init.tlsTimeoutMs ?? TLS_CONNECT_TIMEOUT_MS;
    const attempt = createLinkedAbort(init.signal);
    const timer = timers.setTimeout(
      () => attempt.abort(new TransferStalledError('tls lane timed out')),
      timeoutMs,
    );
    let cause: unknown;
    try {
      const lane = await (init.connectTls as NonNullable<SenderLaneInit['connectTls']>)({
        endpoints: frame.endpoints,
        token: frame.token,
        timeoutMs,
        signal: attempt.signal,
      });
      reader.release();
      return lane;
    } catch (error) {
      cause = error;
    } finally {
      timers.clearTimeout(timer);
      attempt.release();
    }
    if (init.signal?.aborted)
      throw new TransferCancelledError('transfer cancelled', { cause: init.signal.reason });
    if (!allowed.includes('datachannel'))
      throw new TransferLaneError('the tls lane failed and datachannel is not allowed', { cause });
    await control.write(encodeTransferFrame({ type: 'use-datachannel' }));
    return reader.handover();
  } catch (error) {
    reader.release();
    await tellPeer(control, error);
    throw error;
  }
}

/** Run the receiver's half of lane negotiation; resolves with the lane to run `runReceiver` on. */
export async function negotiateReceiverLane(init: ReceiverLaneInit): Promise<TransferLane> {
  const { control } = init;
  const allowed = (init.lanes ?? DEFAULT_LANES).filter(
    (lane) => lane !== 'tls' || init.listenTls !== undefined,
  );
  const stallMs = init.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const reader = readControl(control);
  let listener: TlsLaneListener | undefined;
  try {
    const hello = await reader.next(stallMs, init.signal);
    if (hello.type !== 'hello') throw new TransferProtocolError(`expected HELLO, got ${hello.type}`);
    if (allowed.includes('tls') && hello.lanes.includes('tls')) {
      try {
        listener = await (init.listenTls as NonNullable<ReceiverLaneInit['listenTls']>)();
      } catch {
        // No TLS listener here (no usable address, port refused): the DataChannel still works.
        listener = undefined;
      }
    }
    if (!listener) {
      if (!allowed.includes('datachannel') || !hello.lanes.includes('datachannel'))
        throw new TransferLaneError('no transfer lane both sides allow');
      await control.write(encodeTransferFrame({ type: 'lane', lane: 'datachannel' }));
      return reader.handover();
    }
    const tls = listener;
    await control.write(
      encodeTransferFrame({ type: 'lane', lane: 'tls', token: tls.token, endpoints: tls.endpoints }),
    );
    let chosen: TransferLane | undefined;
    const fromTls = tls.accepted.then(
      (lane) => {
        if (chosen === undefined) chosen = lane;
        else lane.close(); // USE_DATACHANNEL won: a late TLS lane is not used.
        return lane;
      },
      () => new Promise<never>(() => {}), // a failed listener leaves the DataChannel answer to decide
    );
    const fromControl = reader.next(stallMs, init.signal).then((frame) => {
      if (frame.type !== 'use-datachannel')
        throw new TransferProtocolError(`expected USE_DATACHANNEL, got ${frame.type}`);
      if (chosen !== undefined)
        throw new TransferProtocolError('USE_DATACHANNEL after the tls lane connected');
      if (!allowed.includes('datachannel'))
        throw new TransferLaneError('the sender fell back to datachannel, which is not allowed');
      chosen = control;
      return reader.handover();
    });
    // Once TLS won, a control frame (or the stall timeout) no longer matters.
    fromControl.catch(() => {});
    const lane = await Promise.race([fromTls, fromControl]);
    if (lane !== control && chosen !== control) reader.release();
    return lane;
  } catch (error) {
    reader.release();
    await tellPeer(control, error);
    throw error;
  } finally {
    listener?.close();
  }
}
