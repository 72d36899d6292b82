/**
 * An in-memory pair of `RoomChannel`s for tests and one-process demos. Messages are delivered on a
 * later task, in order; `bufferedAmount` counts bytes sent and not yet delivered, and `pause()`
 * holds delivery so a test can fill a sender's buffer the way a slow network does.
 */
import { timers } from '../encoding/timers.js';
import { createListeners, type Listeners, type Unsubscribe } from '../events.js';
import type { RoomChannel } from './channel.js';

/** One end of a memory channel, with the test controls. */
export interface MemoryRoomChannel extends RoomChannel {
  /** Hold delivery of what this end sends (its `bufferedAmount` grows). */
  pause(): void;
  /** Deliver what was held and keep delivering. */
  resume(): void;
  /** Drop what this end sends instead of delivering it (a lossy or vanished path). */
  blackhole(on: boolean): void;
  readonly closed: boolean;
}

interface End {
  readonly end: MemoryRoomChannel;
  readonly messages: Listeners<Uint8Array>;
  shut(): void;
  link(other: End): void;
}

/** Two connected ends. */
export function createMemoryRoomChannelPair(): [MemoryRoomChannel, MemoryRoomChannel] {
  const make = (): End => {
    const messages = createListeners<Uint8Array>();
    const low = createListeners<void>();
    const closes = createListeners<void>();
    const queue: Uint8Array[] = [];
    let buffered = 0;
    let paused = false;
    let dropping = false;
    let closed = false;
    let scheduled = false;
    let peer: End | undefined;
    const flush = () => {
      scheduled = false;
      while (!paused && queue.length > 0) {
        const data = queue.shift() as Uint8Array;
        const before = buffered;
        buffered -= data.length;
        if (!closed && !dropping && peer && !peer.end.closed) peer.messages.emit(data);
        if (before > end.bufferedAmountLowThreshold && buffered <= end.bufferedAmountLowThreshold) low.emit();
      }
    };
    const schedule = () => {
      if (scheduled || paused) return;
      scheduled = true;
      timers.setTimeout(flush, 0);
    };
    const shut = () => {
      if (closed) return;
      closed = true;
      queue.length = 0;
      buffered = 0;
      closes.emit();
      closes.clear();
    };
    const end: MemoryRoomChannel = {
      send(data) {
        if (closed) throw new Error('memory channel closed');
        const copy = data.slice();
        queue.push(copy);
        buffered += copy.length;
        schedule();
      },
      get bufferedAmount() {
        return buffered;
      },
      bufferedAmountLowThreshold: 0,
      onBufferedAmountLow: (listener): Unsubscribe => low.add(listener),
      onMessage: (listener) => messages.add(listener),
      onClose: (listener) => closes.add(listener),
      close() {
        shut();
        peer?.shut();
      },
      pause() {
        paused = true;
      },
      resume() {
        paused = false;
        schedule();
      },
      blackhole(on) {
        dropping = on;
      },
      get closed() {
        return closed;
      },
    };
    return {
      end,
      messages,
      shut,
      link(other: End) {
        peer = other;
      },
    };
  };
  const a = make();
  const b = make();
  a.link(b);
  b.link(a);
  return [a.end, b.end];
}
