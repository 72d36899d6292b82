/** The relay client's public shape: what `connectRelay` takes, and the connection it resolves with. */

import type { RelayError } from '../../errors.js';
import type { Unsubscribe } from '../../events.js';
import type { Identity } from '../../identity/identity.js';
import type { SignalTransport } from '../../transport/transport.js';
import type { RelayErrorCode } from '../frames.js';
import type { RelayReconnectOptions } from './backoff.js';
import type { RelayHeartbeatOptions } from './heartbeat.js';
import type { RelayWebSocketConstructor } from './socket.js';

/** Where a relay connection is: logging in the first time, logged in, redialling, or finished. */
export type RelayClientState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Counters of a relay connection (they only grow). */
export interface RelayClientStats {
  /** Successful re-logins after a lost connection. */
  reconnects: number;
  /** Redial attempts started (successful or not). */
  attempts: number;
  /** Frames `send()` buffered while disconnected. */
  queued: number;
  /** Buffered frames dropped: the oldest on overflow, or all left when the connection closed for good. */
  dropped: number;
  /** Flushed frames sent again because the relay did not know a recipient yet (see `connectRelay`). */
  resent: number;
  /** Heartbeat `ping`s sent. */
  pings: number;
  /** Times the relay went silent past the heartbeat deadline. */
  heartbeatTimeouts: number;
}

/** Options for `connectRelay`. */
export interface RelayClientInit {
  /** `ws://host:port/` of the relay. */
  readonly url: string;
  readonly identity: Identity;
  readonly WebSocket: RelayWebSocketConstructor;
  /** Login deadline, for the first login and each re-login (default 10 000 ms). */
  readonly timeoutMs?: number;
  /**
   * Redial a lost connection (default off: the connection closes for good, as before). `true` uses
   * the defaults of `RelayReconnectOptions`. The first login is never retried: `connectRelay` rejects.
   */
  readonly reconnect?: boolean | RelayReconnectOptions;
  /** Detect a relay that stopped answering (default on, see `RelayHeartbeatOptions`); `false` turns it off. */
  readonly heartbeat?: false | RelayHeartbeatOptions;
}

/** Somebody entered or left a room this client is in. */
export interface RelayPresence {
  readonly room: string;
  readonly id: string;
  readonly present: boolean;
}

/** A logged-in relay connection: a `SignalTransport` plus rooms. */
export interface RelayConnection extends SignalTransport {
  /** Enter a room; resolves with the ids already in it (not including mine). */
  join(room: string): Promise<string[]>;
  /** Leave a room (no answer from the relay). */
  leave(room: string): void;
  /** Why the relay ended the connection, once it has (the code of its last fatal error frame). */
  readonly closeReason: RelayErrorCode | undefined;
  /** Current state. */
  readonly state: RelayClientState;
  /** Reconnect and buffering counters. */
  readonly stats: Readonly<RelayClientStats>;
  /**
   * The connection changed state after the first login (`open` when `connectRelay` resolves;
   * then `reconnecting`, `open`, …, `closed`). Returns unsubscribe.
   */
  onStateChange(listener: (state: RelayClientState) => void): Unsubscribe;
  /** Somebody entered or left a room this client is in (after a re-join, each member is reported present). */
  onPresence(listener: (event: RelayPresence) => void): Unsubscribe;
  /** A non-fatal error frame (e.g. `unknown-recipient`, `rate-limited`), or a fatal one after login. */
  onError(listener: (error: RelayError) => void): Unsubscribe;
  /**
   * The relay connection ended for good; `reason` is the relay's error code when it said why. Not
   * replayed: a late subscriber checks `state` (`closed`) and `closeReason` first.
   */
  onClose(listener: (reason: RelayErrorCode | undefined) => void): Unsubscribe;
}
