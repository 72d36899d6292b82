/**
 * One authenticated member link of a room: its two channels, framing, send limits and the
 * heartbeat. The host holds one per player, a player one to the host. Frames that do not decode
 * are counted by error name and dropped (a link never throws at its peer's bytes); the owner gets
 * the decoded ones, `onEnd` once when the channels close or the peer goes silent.
 * One file, a little longer than most: send limits, heartbeat and framing all act on the same two
 * channels and end together.
 */
import { timers } from '../encoding/timers.js';
import {
  LanrtcError,
  MalformedInputError,
  RoomBufferFullError,
  RoomClosedError,
  RoomMessageTooLargeError,
} from '../errors.js';
import {
  CONTROL_SLACK,
  RELIABLE_HARD_CAP,
  RELIABLE_HIGH_WATER,
  RELIABLE_LOW_WATER,
  UNRELIABLE_HIGH_WATER,
} from './backpressure.js';
import type { RoomChannels } from './channel.js';
import {
  decodeRoomFrame,
  encodeRoomFrame,
  MAX_RELIABLE_DATA,
  MAX_UNRELIABLE_DATA,
  type RoomFrame,
} from './messages.js';
import type { RoomDelivery } from './types.js';

/** Heartbeat interval and the silence after which a member counts as gone, in ms. */
export interface RoomTiming {
  /** A ping every `heartbeatMs` (default 1000); the reply gives `rtt`. */
  readonly heartbeatMs: number;
  /** No frame at all for this long ends the link with `timeout` (default 5000). */
  readonly silenceMs: number;
}

/** The default room timing: a ping a second, gone after 5 s of silence. */
export const DEFAULT_ROOM_TIMING: RoomTiming = { heartbeatMs: 1000, silenceMs: 5000 };

/** What a link reports to its owner. */
export interface RoomLinkEvents {
  onFrame(frame: RoomFrame, delivery: RoomDelivery): void;
  /** A frame that did not decode (counted; the link stays). */
  onRejected(error: LanrtcError): void;
  /** The link ended: `disconnected` (channels closed) or `timeout` (silent). Once. */
  onEnd(reason: string): void;
}

/** One member link. */
export interface RoomLink {
  /** Send an application message with the limits of `delivery` (see `Room.send`). */
  sendData(data: Uint8Array, delivery: RoomDelivery): boolean;
  /** Send a control frame on the reliable channel (allowed up to the cap plus `CONTROL_SLACK`). */
  sendControl(frame: RoomFrame): void;
  /** Resolves when the reliable buffer is at or below the low-water mark. */
  drained(): Promise<void>;
  /** Resolves when everything queued left (or after `ms`), for a goodbye before closing. */
  flushed(ms: number): Promise<void>;
  /** Start pings and the silence watch (after admission). */
  startHeartbeat(): void;
  rtt(): number | undefined;
  /** Unreliable sends dropped above the high-water mark. */
  readonly dropped: number;
  readonly closed: boolean;
  /** Close both channels (no `onEnd`). */
  close(): void;
}

/** Throw `RoomMessageTooLargeError` when `data` is larger than `delivery` allows. */
export function assertRoomMessageSize(data: Uint8Array, delivery: RoomDelivery): void {
  const max = delivery === 'unreliable' ? MAX_UNRELIABLE_DATA : MAX_RELIABLE_DATA;
  if (data.length > max) throw new RoomMessageTooLargeError(`${delivery} messages are at most ${max} bytes`);
}

/** Wire up a link over `channels`. */
export function createRoomLink(
  channels: RoomChannels,
  events: RoomLinkEvents,
  timing: RoomTiming = DEFAULT_ROOM_TIMING,
  now: () => number = Date.now,
): RoomLink {
  const { reliable, unreliable } = channels;
  let closed = false;
  let dropped = 0;
  let lastHeard = now();
  let rtt: number | undefined;
  let nonce = 0;
  let pingSentAt: { nonce: number; at: number } | undefined;
  let beat: unknown;
  const waiters = new Set<{ resolve: () => void; reject: (e: Error) => void }>();
  reliable.bufferedAmountLowThreshold = RELIABLE_LOW_WATER;

  const end = (reason: string) => {
    if (closed) return;
    shutdown();
    events.onEnd(reason);
  };
  const shutdown = () => {
    closed = true;
    timers.clearTimeout(beat);
    for (const off of subscriptions) off();
    for (const w of waiters) w.reject(new RoomClosedError('the member link closed'));
    waiters.clear();
    reliable.close();
    unreliable.close();
  };
  const receive = (delivery: RoomDelivery) => (bytes: Uint8Array) => {
    if (closed) return;
    lastHeard = now();
    let frame: RoomFrame;
    try {
      frame = decodeRoomFrame(bytes);
    } catch (error) {
      events.onRejected(
        error instanceof LanrtcError ? error : new MalformedInputError('undecodable room frame'),
      );
      return;
    }
    // Only application data may use the unreliable channel; control frames there are refused.
    if (delivery === 'unreliable' && frame.type !== 'data') {
      events.onRejected(new MalformedInputError('control frame on the unreliable channel'));
      return;
    }
    if (frame.type === 'ping') {
      sendControl({ type: 'pong', nonce: frame.nonce });
      return;
    }
    if (frame.type === 'pong') {
      if (pingSentAt && pingSentAt.nonce === frame.nonce) {
        rtt = now() - pingSentAt.at;
        pingSentAt = undefined;
      }
      return;
    }
    events.onFrame(frame, delivery);
  };
  const onLow = () => {
    if (reliable.bufferedAmount > RELIABLE_LOW_WATER) return;
    for (const w of waiters) w.resolve();
    waiters.clear();
  };
  const subscriptions = [
    reliable.onMessage(receive('reliable')),
    unreliable.onMessage(receive('unreliable')),
    reliable.onBufferedAmountLow(onLow),
    reliable.onClose(() => end('disconnected')),
    unreliable.onClose(() => end('disconnected')),
  ];

  const sendControl = (frame: RoomFrame) => {
    if (closed) return;
    const bytes = encodeRoomFrame(frame);
    // A peer that stopped reading while presence keeps changing: end it rather than queue on.
    if (reliable.bufferedAmount + bytes.length > RELIABLE_HARD_CAP + CONTROL_SLACK) return end('stalled');
    reliable.send(bytes);
  };

  // The silence watch runs four times per heartbeat, so a vanished peer is noticed within a quarter
  // heartbeat of `silenceMs`, not up to a whole one later; pings still go once per heartbeat.
  const watchMs = Math.max(5, Math.floor(timing.heartbeatMs / 4));
  let lastPing = Number.NEGATIVE_INFINITY;
  const tick = () => {
    if (closed) return;
    const t = now();
    if (t - lastHeard > timing.silenceMs) return end('timeout');
    if (t - lastPing >= timing.heartbeatMs) {
      lastPing = t;
      nonce = (nonce + 1) % 0xffffffff;
      pingSentAt = { nonce, at: t };
      sendControl({ type: 'ping', nonce });
    }
    beat = timers.setTimeout(tick, watchMs);
  };

  return {
    sendData(data, delivery) {
      if (closed) throw new RoomClosedError('the member link closed');
      assertRoomMessageSize(data, delivery);
      if (delivery === 'unreliable') {
        if (unreliable.bufferedAmount > UNRELIABLE_HIGH_WATER) {
          dropped++;
          return false;
        }
        unreliable.send(encodeRoomFrame({ type: 'data', data }));
        return unreliable.bufferedAmount <= UNRELIABLE_HIGH_WATER;
      }
      const bytes = encodeRoomFrame({ type: 'data', data });
      if (reliable.bufferedAmount + bytes.length > RELIABLE_HARD_CAP)
        throw new RoomBufferFullError('the reliable send buffer is full: wait for drained()');
      reliable.send(bytes);
      return reliable.bufferedAmount <= RELIABLE_HIGH_WATER;
    },
    sendControl,
    drained() {
      if (closed) return Promise.reject(new RoomClosedError('the member link closed'));
      if (reliable.bufferedAmount <= RELIABLE_LOW_WATER) return Promise.resolve();
      return new Promise<void>((resolve, reject) => waiters.add({ resolve, reject }));
    },
    async flushed(ms) {
      const deadline = now() + ms;
      while (!closed && reliable.bufferedAmount > 0 && now() < deadline) {
        await new Promise<void>((resolve) => timers.setTimeout(resolve, 10));
      }
    },
    startHeartbeat() {
      if (closed || beat !== undefined) return;
      lastHeard = now();
      tick();
    },
    rtt: () => rtt,
    get dropped() {
      return dropped;
    },
    get closed() {
      return closed;
    },
    close() {
      if (!closed) shutdown();
    },
  };
}
