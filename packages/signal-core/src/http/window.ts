/**
 * Per-stream credit flow control: a sender may have at most the credit the receiver granted in
 * DATA bytes outstanding; the receiver grants more (WINDOW) only as its consumer pulls bytes out.
 * This is what lets a slow reader of a response body slow the device's handler down.
 */
import { HttpProtocolError } from '../errors.js';
import { HTTP_INITIAL_WINDOW_BYTES, HTTP_MAX_WINDOW_BYTES } from './constants.js';

/** The sending side of one stream's credit. */
export interface SendCredit {
  /** Bytes that may be sent now. */
  readonly available: number;
  /** Add a WINDOW increment; past the largest window is `HttpProtocolError`. */
  add(increment: number): void;
  /** Wait for credit, then take up to `want` bytes of it; rejects with the error given to `fail`. */
  take(want: number): Promise<number>;
  /** Wake and reject every waiter (the stream ended or the channel closed). */
  fail(error: Error): void;
}

/** Credit for sending, starting at `initial`. */
export function createSendCredit(initial = HTTP_INITIAL_WINDOW_BYTES): SendCredit {
  let credit = initial;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  return {
    get available() {
      return credit;
    },
    add(increment) {
      if (credit + increment > HTTP_MAX_WINDOW_BYTES)
        throw new HttpProtocolError('WINDOW past the largest flow-control window');
      credit += increment;
      wake?.();
    },
    async take(want) {
      // Wait for enough credit for a useful frame rather than sending a sliver of what is left (a
      // 20-byte DATA frame costs a message like a 64 KiB one). Never more than half the initial
      // window: the receiver returns credit in quarter-window steps, so once it has read everything
      // at least three quarters are back, and the wait always ends.
      const enough = Math.max(1, Math.min(want, Math.floor(initial / 2)));
      while (credit < enough && !failed) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (failed) throw failed;
      const n = Math.min(credit, want);
      credit -= n;
      return n;
    },
    fail(error) {
      failed ??= error;
      wake?.();
    },
  };
}

/** The receiving side of one stream's credit. */
export interface ReceiveWindow {
  /** Count DATA bytes that arrived; past the granted credit is `HttpProtocolError`. */
  receive(bytes: number): void;
  /** Count bytes the consumer took; returns the WINDOW increment to send now (0: not yet worth a frame). */
  consume(bytes: number): number;
}

/** Receive accounting that grants credit back in steps of a quarter window, so WINDOW frames stay few. */
export function createReceiveWindow(initial = HTTP_INITIAL_WINDOW_BYTES): ReceiveWindow {
  let remaining = initial;
  let owed = 0;
  const step = Math.max(1, Math.floor(initial / 4));
  return {
    receive(bytes) {
      if (bytes > remaining) throw new HttpProtocolError('DATA past the stream’s flow-control credit');
      remaining -= bytes;
    },
    consume(bytes) {
      owed += bytes;
      if (owed < step) return 0;
      const increment = owed;
      owed = 0;
      remaining += increment;
      return increment;
    },
  };
}
