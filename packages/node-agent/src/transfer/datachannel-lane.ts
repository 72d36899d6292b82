/**
 * A werift `RTCDataChannel` (reliable, ordered) as a `TransferLane`: one frame per message, 256 KiB
 * at most and never more than the remote's max-message-size, `write` held back while werift's
 * `bufferedAmount` is over a high-water mark until it falls to the low one.
 */
import { InvalidArgumentError, MalformedInputError, TransportClosedError } from '@lanrtc/signal-core';
import type { TransferLane } from '@lanrtc/signal-core/transfer';
import type { RTCDataChannel } from 'werift';
import { LaneOverflowError } from '../errors.js';

/**
 * Largest frame on a DataChannel lane: one 256 KiB message (Chromium and `createNodePeer` announce
 * 262144), or less if the remote's max-message-size is lower (werift's default 65536). werift's
 * per-message work (a send loop, a promise, a reassembly) is paid four times less than at 64 KiB.
 */
export const DATACHANNEL_MAX_FRAME_BYTES = 256 * 1024;

/** `bufferedAmount` above which `write` waits (4 MiB, as bench:werift-throughput keeps it: werift is never idle). */
export const DATACHANNEL_HIGH_WATER = 4 * 1024 * 1024;

/** `bufferedAmount` at which waiting writes go on (werift's `bufferedAmountLow` event). */
export const DATACHANNEL_LOW_WATER = 1024 * 1024;

/** `bufferedAmount` past which `write` refuses: only a writer that does not await `write` gets here. */
export const DATACHANNEL_HARD_CAP = 64 * 1024 * 1024;

/** Bytes of frames that may arrive before anyone listens for them (then the lane fails). */
const HELD_CAP = 32 * 1024 * 1024;

/** Adapt `channel` (open or still connecting) as a transfer lane. */
export function weriftDataChannelLane(channel: RTCDataChannel): TransferLane {
  const frameListeners = new Set<(frame: Uint8Array) => void>();
  const closeListeners = new Set<(error?: Error) => void>();
  const waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  // A DataChannel cannot be paused: frames that come before the first listener are held, up to a cap.
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  let closed = false;
  let closeError: Error | undefined;
  let closedLocally = false;

  channel.bufferedAmountLowThreshold = DATACHANNEL_LOW_WATER;

  const closedError = () =>
    new TransportClosedError('the transfer lane is closed', closeError ? { cause: closeError } : undefined);

  const finish = (error?: Error) => {
    if (closed) return;
    closed = true;
    closeError = error;
    for (const sub of subscriptions) sub.unSubscribe();
    for (const waiter of waiters.splice(0)) waiter.reject(closedError());
    for (const listener of [...closeListeners]) listener(error);
    closeListeners.clear();
    frameListeners.clear();
    held.length = 0;
  };

  const fail = (error: Error) => {
    finish(error);
    if (channel.readyState !== 'closed') channel.close();
  };

  const deliver = (frame: Uint8Array) => {
    for (const listener of [...frameListeners]) {
      try {
        listener(frame);
      } catch (error) {
        // A listener that throws cannot have handled the frame; the transfer cannot go on.
        fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
  };

  const flushHeld = () => {
    while (!closed && frameListeners.size > 0 && held.length > 0) {
      const frame = held.shift() as Uint8Array;
      heldBytes -= frame.length;
      deliver(frame);
    }
  };

  const release = () => {
    if (channel.readyState !== 'open' || channel.bufferedAmount > DATACHANNEL_HIGH_WATER) return;
    for (const waiter of waiters.splice(0)) waiter.resolve();
  };

  const subscriptions = [
    channel.onMessage.subscribe((data) => {
      if (closed) return;
      if (typeof data === 'string') {
        fail(new MalformedInputError('a text message on a transfer lane (frames are binary)'));
        return;
      }
      const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (frameListeners.size > 0 && held.length === 0) {
        deliver(frame);
        return;
      }
      heldBytes += frame.length;
      if (heldBytes > HELD_CAP) {
        fail(new LaneOverflowError(`more than ${HELD_CAP} bytes arrived before anyone read the lane`));
        return;
      }
      held.push(frame);
    }),
    channel.bufferedAmountLow.subscribe(release),
    channel.stateChanged.subscribe((state) => {
      if (state === 'open') release();
      if (state !== 'closed' && state !== 'closing') return;
      // The remote closing its end of the channel is an orderly close (RFC 8831 §6.7); the association
      // under it going away while the channel was open is a failure.
      const established = channel.sctp.sctp.associationState === ESTABLISHED;
      finish(
        closedLocally || established
          ? undefined
          : new TransportClosedError('the connection under the DataChannel closed'),
      );
    }),
  ];

  if (channel.readyState === 'closed' || channel.readyState === 'closing') {
    finish(new TransportClosedError('the DataChannel was already closed'));
  }

  // RFC 8841 §6: the remote's a=max-message-size (werift: 65536 when absent, 0 for no limit).
  const maxFrameBytes = () => {
    const remote = channel.sctp.remoteMaxMessageSize;
    return remote > 0 ? Math.min(remote, DATACHANNEL_MAX_FRAME_BYTES) : DATACHANNEL_MAX_FRAME_BYTES;
  };

  return {
    kind: 'datachannel',
    get maxFrameBytes() {
      return maxFrameBytes();
    },
    write(frame) {
      if (closed) return Promise.reject(closedError());
      const max = maxFrameBytes();
      // werift sends an empty message as an empty SCTP DATA chunk, which RFC 9260 §3.3.1 forbids
      // (RFC 8831 §6.6 wants the "empty" PPID with one byte instead), so lanes carry no empty frame.
      if (frame.length === 0 || frame.length > max) {
        return Promise.reject(
          new InvalidArgumentError(`a frame must be 1…${max} bytes, not ${frame.length}`),
        );
      }
      if (channel.bufferedAmount + frame.length > DATACHANNEL_HARD_CAP) {
        return Promise.reject(
          new LaneOverflowError(`more than ${DATACHANNEL_HARD_CAP} bytes written and not yet sent`),
        );
      }
      // werift queues a send made before the channel opens and flushes it on open.
      try {
        channel.send(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
      } catch (cause) {
        // werift throws only for a message over the remote's limit, which the check above rules out.
        return Promise.reject(new TransportClosedError('werift refused the DataChannel message', { cause }));
      }
      if (channel.readyState === 'open' && channel.bufferedAmount <= DATACHANNEL_HIGH_WATER) {
        return Promise.resolve();
      }
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    onFrame(listener) {
      const entry = (frame: Uint8Array) => listener(frame);
      frameListeners.add(entry);
      // Held frames go out after `onFrame` returns, so the listener can use what it returned.
      if (held.length > 0) queueMicrotask(flushHeld);
      return () => {
        frameListeners.delete(entry);
      };
    },
    onClose(listener) {
      let live = true;
      const entry = (error?: Error) => {
        if (!live) return;
        try {
          listener(error);
        } catch {
          // The lane is closed either way; a close listener's failure must not escape into werift or the socket.
        }
      };
      if (closed) queueMicrotask(() => entry(closeError));
      else closeListeners.add(entry);
      return () => {
        live = false;
        closeListeners.delete(entry);
      };
    },
    close() {
      if (closed) return;
      closedLocally = true;
      finish();
      if (channel.readyState !== 'closed') channel.close();
    },
  };
}

// werift's SCTP_STATE.ESTABLISHED (RFC 9260 §4), which werift's top-level module does not export.
const ESTABLISHED = 4;
