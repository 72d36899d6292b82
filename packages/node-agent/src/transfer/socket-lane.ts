/**
 * A `TransferLane` over an established, authenticated byte stream (the TLS lane's socket): frames
 * length-prefixed (lane-frames.ts), writes held back by the bytes not yet handed to the kernel, reads
 * paused while nobody listens for frames, so neither side buffers without bound.
 */
import type { Socket } from 'node:net';
import { InvalidArgumentError, MalformedInputError, TransportClosedError } from '@lanrtc/signal-core';
import type { TransferLane, TransferLaneKind } from '@lanrtc/signal-core/transfer';
import { LaneOverflowError } from '../errors.js';
import {
  createFrameDecoder,
  FRAME_HEADER_BYTES,
  frameHeader,
  MAX_STREAM_FRAME_BYTES,
} from './lane-frames.js';

/**
 * Bytes written but not yet flushed to the kernel above which `write` waits: 1 MiB, so a large frame
 * is the only one in node's queue (the kernel's socket buffer keeps the link busy meanwhile) and is
 * written on its own rather than gathered into a writev that node:tls would copy.
 */
export const STREAM_LANE_HIGH_WATER = 1024 * 1024;

/** Frames up to this size go out in one buffer with their header. */
const COALESCE_BYTES = 64 * 1024;

/** Unflushed bytes past which `write` refuses outright: only a writer that does not await `write` gets here. */
export const STREAM_LANE_HARD_CAP = 64 * 1024 * 1024;

/** How long `close()` lets queued bytes and the TLS close_notify drain before destroying the socket. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Adapt `socket` (paused, already authenticated) as a lane; `leftover` are bytes read past the lane's
 * preamble that belong to the first frames.
 */
export function socketLane(socket: Socket, leftover: Uint8Array, kind: TransferLaneKind): TransferLane {
  const decoder = createFrameDecoder(MAX_STREAM_FRAME_BYTES);
  const frameListeners = new Set<(frame: Uint8Array) => void>();
  const closeListeners = new Set<(error?: Error) => void>();
  // Frames decoded while nobody listened (at most those of one read): given to the next listener.
  const held: Uint8Array[] = [];
  const waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let unflushed = 0;
  let closed = false;
  let closeError: Error | undefined;
  let graceTimer: NodeJS.Timeout | undefined;

  socket.pause();

  const finish = (error?: Error) => {
    if (closed) return;
    closed = true;
    closeError = error;
    socket.off('data', onData);
    for (const waiter of waiters.splice(0)) waiter.reject(closedError());
    for (const listener of [...closeListeners]) listener(error);
    closeListeners.clear();
    frameListeners.clear();
    held.length = 0;
  };

  const closedError = () =>
    new TransportClosedError('the transfer lane is closed', closeError ? { cause: closeError } : undefined);

  const fail = (error: Error) => {
    finish(error);
    socket.destroy();
  };

  const deliver = (frames: Uint8Array[]) => {
    for (const frame of frames) {
      if (closed) return;
      if (frameListeners.size === 0) {
        held.push(frame);
        continue;
      }
      for (const listener of [...frameListeners]) {
        try {
          listener(frame);
        } catch (error) {
          // A listener that throws cannot have handled the frame; the transfer cannot go on.
          fail(error instanceof Error ? error : new Error(String(error)));
          return;
        }
      }
    }
  };

  function onData(chunk: Buffer) {
    let frames: Uint8Array[];
    try {
      frames = decoder.push(chunk);
    } catch (error) {
      fail(error as Error);
      return;
    }
    deliver(frames);
    if (frameListeners.size === 0 && !closed) socket.pause();
  }

  const release = () => {
    if (unflushed > STREAM_LANE_HIGH_WATER) return;
    for (const waiter of waiters.splice(0)) waiter.resolve();
  };

  socket.on('data', onData);
  socket.on('end', () => {
    if (decoder.midFrame) fail(new MalformedInputError('the peer closed the lane in the middle of a frame'));
    else finish();
  });
  socket.on('error', (error) => {
    fail(new TransportClosedError('the transfer lane failed', { cause: error }));
  });
  socket.on('close', () => {
    if (graceTimer) clearTimeout(graceTimer);
    if (decoder.midFrame) finish(new MalformedInputError('the lane closed in the middle of a frame'));
    else finish(new TransportClosedError('the lane\u2019s connection closed'));
  });

  if (leftover.length > 0) {
    try {
      held.push(...decoder.push(leftover));
    } catch (error) {
      fail(error as Error);
    }
  }

  // Queue one frame made of `parts` (their concatenation): the length prefix and every part but the
  // last go in one small buffer, the last part (a DATA payload) as it is.
  const writeParts = (parts: readonly Uint8Array[]): Promise<void> => {
    if (closed) return Promise.reject(closedError());
    let length = 0;
    for (const part of parts) length += part.length;
    if (length === 0 || length > MAX_STREAM_FRAME_BYTES) {
      return Promise.reject(
        new InvalidArgumentError(`a frame must be 1…${MAX_STREAM_FRAME_BYTES} bytes, not ${length}`),
      );
    }
    const size = length + FRAME_HEADER_BYTES;
    if (unflushed + size > STREAM_LANE_HARD_CAP) {
      return Promise.reject(
        new LaneOverflowError(`more than ${STREAM_LANE_HARD_CAP} bytes written and not yet sent`),
      );
    }
    unflushed += size;
    const flushed = () => {
      unflushed -= size;
      release();
    };
    const last = parts[parts.length - 1] as Uint8Array;
    // A small frame whole in one buffer (one TLS record, not two); a large one's last part alone.
    const tail = length <= COALESCE_BYTES ? undefined : last;
    const headBytes = size - (tail?.length ?? 0);
    const head = frameHeader(length, headBytes);
    let at = FRAME_HEADER_BYTES;
    for (const part of tail ? parts.slice(0, -1) : parts) {
      head.set(part, at);
      at += part.length;
    }
    if (tail) {
      // Two writes, not corked: a corked pair becomes one writev, which node:tls copies into one
      // buffer — a copy of every large frame, measured at a third more CPU per byte than this.
      socket.write(head);
      socket.write(tail, flushed);
    } else {
      socket.write(head, flushed);
    }
    if (unflushed <= STREAM_LANE_HIGH_WATER) return Promise.resolve();
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  };

  return {
    kind,
    maxFrameBytes: MAX_STREAM_FRAME_BYTES,
    write: (frame) => writeParts([frame]),
    release: (frame: Uint8Array) => decoder.recycle(frame),
    writeParts,
    onFrame(listener) {
      const entry = (frame: Uint8Array) => listener(frame);
      frameListeners.add(entry);
      if (!closed) {
        // Held frames go out after `onFrame` returns, so the listener can use what it returned.
        queueMicrotask(() => {
          if (!frameListeners.has(entry)) return;
          deliver(held.splice(0));
          if (!closed && frameListeners.size > 0) socket.resume();
        });
      }
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
      if (closed) {
        queueMicrotask(() => entry(closeError));
      } else {
        closeListeners.add(entry);
      }
      return () => {
        live = false;
        closeListeners.delete(entry);
      };
    },
    close() {
      if (closed) return;
      finish();
      // Read and drop whatever still comes, so the peer's close_notify and FIN arrive and the socket
      // closes by itself; the timer ends one whose peer stopped reading.
      socket.resume();
      socket.end();
      if (!socket.destroyed) graceTimer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    },
  };
}
