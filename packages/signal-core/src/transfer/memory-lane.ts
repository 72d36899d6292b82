/**
 * An in-memory `TransferLane` pair for tests and one-process demos. Frames are delivered on a later
 * task, in order, to the listeners subscribed then (like a real channel, a frame nobody listens for
 * is gone); `write` resolves only while the unsent bytes are under the high-water mark, and `pause()`
 * holds delivery so a test can model a slow or stalled path.
 */
import { timers } from '../encoding/timers.js';
import { InvalidArgumentError, TransportClosedError } from '../errors.js';
import { createListeners } from '../events.js';
import type { TransferLane, TransferLaneKind } from './lane.js';

/** One end of a memory lane, with the test controls. */
export interface MemoryTransferLane extends TransferLane {
  /** Hold delivery of what this end writes. */
  pause(): void;
  /** Deliver what was held and keep delivering. */
  resume(): void;
  /** Bytes written by this end and not yet delivered. */
  readonly bufferedBytes: number;
  /** Close as if the path failed: both ends see `onClose(error)`. */
  fail(error: Error): void;
  readonly closed: boolean;
}

/** Options of `createMemoryLanePair`. */
export interface MemoryLaneInit {
  readonly kind?: TransferLaneKind;
  /** Default 64 KiB (a DataChannel's). */
  readonly maxFrameBytes?: number;
  /** `write` waits while more than this many bytes are undelivered (default 1 MiB). */
  readonly highWaterBytes?: number;
}

/** Run on a later task: `setImmediate` where there is one (Node), else a 0 ms timer (clamped to ~1–4 ms). */
const later = (run: () => void) => {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (immediate) immediate(run);
  else timers.setTimeout(run, 0);
};

interface End {
  readonly lane: MemoryTransferLane;
  deliver(frame: Uint8Array): void;
  shut(error?: Error): void;
  link(other: End): void;
}

/** Two connected lane ends. */
export function createMemoryLanePair(init: MemoryLaneInit = {}): [MemoryTransferLane, MemoryTransferLane] {
  const kind = init.kind ?? 'datachannel';
  const maxFrameBytes = init.maxFrameBytes ?? 64 * 1024;
  const highWater = init.highWaterBytes ?? 1024 * 1024;
  const make = (): End => {
    const frames = createListeners<Uint8Array>();
    const closes = createListeners<Error | undefined>();
    const queue: Uint8Array[] = [];
    const drains: (() => void)[] = [];
    let buffered = 0;
    let paused = false;
    let closed = false;
    let scheduled = false;
    let peer: End | undefined;
    const wake = () => {
      for (const drain of drains.splice(0)) drain();
    };
    const flush = () => {
      scheduled = false;
      while (!paused && !closed && queue.length > 0) {
        const frame = queue.shift() as Uint8Array;
        buffered -= frame.length;
        peer?.deliver(frame);
      }
      if (buffered <= highWater) wake();
    };
    const schedule = () => {
      if (scheduled || paused) return;
      scheduled = true;
      later(flush);
    };
    const shut = (error?: Error) => {
      if (closed) return;
      closed = true;
      queue.length = 0;
      buffered = 0;
      wake();
      closes.emit(error);
      closes.clear();
      frames.clear();
    };
    const lane: MemoryTransferLane = {
      kind,
      maxFrameBytes,
      async write(frame) {
        if (closed) throw new TransportClosedError('memory lane closed');
        if (frame.length > maxFrameBytes) throw new InvalidArgumentError('frame larger than maxFrameBytes');
        queue.push(frame.slice());
        buffered += frame.length;
        schedule();
        while (buffered > highWater && !closed) await new Promise<void>((resolve) => drains.push(resolve));
        if (closed) throw new TransportClosedError('memory lane closed');
      },
      onFrame: (listener) => frames.add(listener),
      onClose: (listener) => closes.add(listener),
      close() {
        const other = peer;
        shut();
        // The other end sees the close on a later task, as with a real channel.
        if (other) timers.setTimeout(() => other.shut(), 0);
      },
      pause() {
        paused = true;
      },
      resume() {
        paused = false;
        schedule();
      },
      get bufferedBytes() {
        return buffered;
      },
      fail(error) {
        const other = peer;
        shut(error);
        other?.shut(error);
      },
      get closed() {
        return closed;
      },
    };
    return {
      lane,
      deliver: (frame) => frames.emit(frame),
      shut,
      link(other) {
        peer = other;
      },
    };
  };
  const a = make();
  const b = make();
  a.link(b);
  b.link(a);
  return [a.lane, b.lane];
}
