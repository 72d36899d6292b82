/**
 * What a reconnecting client does with frames it cannot deliver right now: `send()` while
 * disconnected buffers them (bounded, oldest dropped first); the next login flushes them; and when the
 * relay answers `unknown-recipient` shortly after, the flush is sent again a few times, because after
 * a relay restart the peer may log in again after me (docs/PROTOCOL.md §"Reconnecting").
 */
import { timers } from '../../encoding/timers.js';
import { TransportClosedError } from '../../errors.js';
import type { ReconnectPolicy } from './backoff.js';
import type { RelayClientStats } from './options.js';
import type { RelayWebSocket } from './socket.js';

/** Re-send rounds of a flush whose recipient the relay did not know yet, and how long after the flush. */
const MAX_RESEND_ROUNDS = 4;
const RESEND_WINDOW_MS = 10_000;

/** A connection's buffer of frames waiting for the next login. */
export interface Outbox {
  /** Buffer a frame sent while disconnected; `TransportClosedError` when the client does not redial. */
  enqueue(frame: Uint8Array): void;
  /** A frame just went out on a live socket: kept for re-sending if it went out just after a re-login. */
  sent(frame: Uint8Array): void;
  /** Logged in again: send everything buffered on `socket`, and remember it for re-sending. */
  flush(socket: RelayWebSocket): void;
  /** The relay did not know a recipient: send the last flush again later on `live()`, if still in its window. */
  resend(live: () => RelayWebSocket | undefined): void;
  /** The socket is gone: a flush made on it is not re-sent. */
  socketLost(): void;
  /** The connection closed for good: everything still buffered is dropped and counted. */
  close(): void;
}

/** An outbox for `policy` (undefined: the client does not redial and buffers nothing), counting into `stats`. */
export function createOutbox(
  policy: ReconnectPolicy | undefined,
  stats: Pick<RelayClientStats, 'queued' | 'dropped' | 'resent'>,
): Outbox {
  /** Frames sent while disconnected, flushed after the next login. */
  const waiting: Uint8Array[] = [];
  /**
   * The buffer flushed by the latest re-login, plus the frames sent in the `RESEND_WINDOW_MS` after
   * it. The relay answers `unknown-recipient` to frames meant for a peer not back yet; those frames
   * are sent again a few times (envelopes are replay-protected, so a copy the peer did get is
   * rejected as a replay, harmlessly).
   */
  let flushed: Uint8Array[] = [];
  let flushedAt = 0;
  let resendRounds = 0;
  let resendTimer: unknown;

  function socketLost(): void {
    timers.clearTimeout(resendTimer);
    resendTimer = undefined;
    flushed = [];
  }

  return {
    enqueue(frame) {
      if (!policy) throw new TransportClosedError('relay connection is closed');
      if (policy.maxQueuedFrames === 0) {
        stats.dropped++;
        return;
      }
      if (waiting.length >= policy.maxQueuedFrames) {
        waiting.shift();
        stats.dropped++;
      }
      waiting.push(frame);
      stats.queued++;
    },
    sent(frame) {
      // Bounded like the buffer itself.
      if (flushedAt !== 0 && Date.now() - flushedAt <= RESEND_WINDOW_MS && policy) {
        if (flushed.length >= policy.maxQueuedFrames) flushed.shift();
        if (policy.maxQueuedFrames > 0) flushed.push(frame);
      }
    },
    flush(socket) {
      flushed = waiting.splice(0);
      flushedAt = Date.now();
      resendRounds = 0;
      for (const frame of flushed) socket.send(frame);
    },
    resend(live) {
      if (!policy || resendTimer !== undefined || flushed.length === 0) return;
      if (resendRounds >= MAX_RESEND_ROUNDS || Date.now() - flushedAt > RESEND_WINDOW_MS) {
        flushed = [];
        return;
      }
      resendTimer = timers.setTimeout(
        () => {
          resendTimer = undefined;
          resendRounds++;
          const socket = live();
          if (!socket) return;
          const batch = flushed;
          stats.resent += batch.length;
          for (const frame of batch) socket.send(frame);
        },
        policy.initialMs * 2 ** resendRounds,
      );
    },
    socketLost,
    close() {
      socketLost();
      stats.dropped += waiting.length;
      waiting.length = 0;
    },
  };
}
