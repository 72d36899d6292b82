/**
 * The frame loop both engines share: decodes each incoming frame and hands it to the engine, turns
 * a peer's ABORT, a closed lane, the stall timeout and the caller's `AbortSignal` into one typed
 * failure, tells the peer why with an ABORT (unless the peer already knows), and keeps an idle lane
 * alive with KEEPALIVE frames so a peer that is busy (a user deciding, an fsync) is not taken for a
 * stalled one.
 */
import type { AbortSignalLike } from '../encoding/abort.js';
import { timers } from '../encoding/timers.js';
import {
  LanrtcError,
  TransferAbortedError,
  TransferCancelledError,
  TransferStalledError,
  TransportClosedError,
} from '../errors.js';
import { decodeTransferFrame, encodeDataHeader, encodeTransferFrame, type TransferFrame } from './frames.js';
import type { TransferLane } from './lane.js';
import { DEFAULT_STALL_TIMEOUT_MS } from './limits.js';

/** Options both engines take for their frame loop. */
export interface SessionInit {
  /** Stop the transfer: it rejects with `TransferCancelledError` and the peer is told. */
  readonly signal?: AbortSignalLike | undefined;
  /** Fail with `TransferStalledError` after this long without any frame from the peer (default 30 s). */
  readonly stallTimeoutMs?: number | undefined;
  /** Send a KEEPALIVE after this long without writing (default a third of the stall timeout). */
  readonly keepaliveMs?: number | undefined;
}

/** A running frame loop. */
export interface FrameSession {
  /** Encode and write a frame; throws the session's failure once it failed. */
  send(frame: TransferFrame): Promise<void>;
  /** Resolves once `condition()` holds (checked now and after each frame or `notify`); rejects with the failure. */
  until(condition: () => boolean): Promise<void>;
  /** Re-check waiting conditions after a local change. */
  notify(): void;
  /** Fail the transfer with `error` (the first failure wins) and tell the peer with an ABORT unless `tellPeer` is false. */
  fail(error: unknown, tellPeer?: boolean): void;
  /** The failure, once there is one. */
  readonly failure: Error | undefined;
  /** Stop listening and clear timers (the lane stays open: the caller owns it). */
  close(): void;
}

/** Why an ABORT is sent: the error's stable name, or `InternalError` for anything not ours. */
export function abortReason(error: Error): { reason: string; text: string } {
  if (error instanceof LanrtcError) return { reason: error.name, text: error.message };
  // A platform error (a file system's) may name local paths: the peer gets no detail.
  return { reason: 'InternalError', text: 'internal error' };
}

/** Start a frame loop on `lane`; `onFrame` handles each decoded frame other than ABORT and KEEPALIVE. */
export function createFrameSession(
  lane: TransferLane,
  init: SessionInit,
  onFrame: (frame: TransferFrame) => void,
): FrameSession {
  const stallMs = init.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const keepaliveMs = init.keepaliveMs ?? Math.max(1, Math.floor(stallMs / 3));
  const waiters = new Set<() => boolean>();
  let failure: Error | undefined;
  let closed = false;
  let stallTimer: unknown;
  let keepaliveTimer: unknown;
  let lastWrite = Date.now();

  const notify = () => {
    for (const check of [...waiters]) check();
  };
  const write = (frame: TransferFrame): Promise<void> => {
    lastWrite = Date.now();
    // A DATA frame's payload is most of the bytes moved: a lane that can send parts gets it uncopied.
    if (frame.type === 'data' && lane.writeParts) {
      return lane.writeParts([encodeDataHeader(frame), frame.bytes]);
    }
    return lane.write(encodeTransferFrame(frame));
  };
  const fail = (error: unknown, tellPeer = true) => {
    if (failure !== undefined) return;
    failure = error instanceof Error ? error : new Error(String(error));
    if (tellPeer && !closed) write({ type: 'abort', ...abortReason(failure) }).catch(() => {});
    stop();
    notify();
  };
  const armStall = () => {
    timers.clearTimeout(stallTimer);
    stallTimer = timers.setTimeout(
      () => fail(new TransferStalledError(`no frame from the peer for ${stallMs} ms`)),
      stallMs,
    );
  };
  const armKeepalive = () => {
    keepaliveTimer = timers.setTimeout(() => {
      if (closed || failure) return;
      const idle = Date.now() - lastWrite;
      if (idle >= keepaliveMs) write({ type: 'keepalive' }).catch((error) => fail(error, false));
      armKeepalive();
    }, keepaliveMs);
  };
  const onAbort = () =>
    fail(new TransferCancelledError('transfer cancelled', { cause: init.signal?.reason }));

  const offFrame = lane.onFrame((bytes) => {
    if (failure || closed) return;
    armStall();
    let frame: TransferFrame;
    try {
      frame = decodeTransferFrame(bytes);
    } catch (error) {
      fail(error);
      return;
    }
    if (frame.type === 'keepalive') return;
    if (frame.type === 'abort') {
      fail(new TransferAbortedError(`the peer aborted the transfer: ${frame.text}`, frame.reason), false);
      return;
    }
    try {
      onFrame(frame);
    } catch (error) {
      fail(error);
      return;
    }
    notify();
  });
  const offClose = lane.onClose((error) =>
    fail(new TransportClosedError('the transfer lane closed', error ? { cause: error } : undefined), false),
  );
  const stop = () => {
    if (closed) return;
    closed = true;
    offFrame();
    offClose();
    timers.clearTimeout(stallTimer);
    timers.clearTimeout(keepaliveTimer);
    init.signal?.removeEventListener('abort', onAbort);
  };

  armStall();
  armKeepalive();
  if (init.signal?.aborted) onAbort();
  else init.signal?.addEventListener('abort', onAbort);

  return {
    async send(frame) {
      if (failure) throw failure;
      try {
        await write(frame);
      } catch (error) {
        fail(error, false);
      }
      if (failure) throw failure;
    },
    until(condition) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (failure) {
            waiters.delete(check);
            reject(failure);
            return true;
          }
          if (condition()) {
            waiters.delete(check);
            resolve();
            return true;
          }
          return false;
        };
        if (!check()) waiters.add(check);
      });
    },
    notify,
    fail,
    get failure() {
      return failure;
    },
    close() {
      stop();
      // Anything still waiting would wait forever: end it with the failure, or as closed.
      if (!failure) failure = new TransportClosedError('transfer session closed');
      notify();
    },
  };
}
