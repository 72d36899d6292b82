/** The relay server's public shape: its options, its address, its counters, and the handle to close it. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@lanrtc/signal-core';
import type { RelayErrorCode } from '@lanrtc/signal-core/protocol';
import type { RelayLimits } from '../limits.js';

/** A frame in transit, as a test hook sees it (`from`/`to` are id texts). */
export interface InterceptedFrame {
  readonly from: string;
  readonly to: string;
  readonly bytes: Uint8Array;
}

/**
 * Test hook that plays a malicious relay: return the payloads to deliver instead of `bytes` (none
 * drops it, two replays it). Production relays leave it unset.
 */
export type RelayIntercept = (frame: InterceptedFrame) => readonly Uint8Array[];

/** Options shared by `createRelay` and `attachRelay`. */
export interface RelayOptions {
  readonly limits?: Partial<RelayLimits>;
  readonly logger?: Logger;
  /**
   * Host names (`host:port`, lower case) the relay answers to; when set, an upgrade with another
   * `Host` is refused, which is what makes the login's endpoint binding hold against a relay in the
   * middle (docs/PROTOCOL.md §"Relay protocol").
   */
  readonly allowedHosts?: readonly string[];
  readonly intercept?: RelayIntercept;
  /** Only upgrades to this path are the relay's (default: every upgrade), for embedding next to other WebSocket endpoints. */
  readonly path?: string;
}

/** Options for `createRelay`. */
export interface CreateRelayInit extends RelayOptions {
  readonly port?: number;
  readonly host?: string;
  /** Serve this directory's files over plain HTTP on the same origin. */
  readonly staticDir?: string;
  /**
   * An app's own HTTP routes on the relay's origin, asked before the static files: answer the request
   * and return true, or return false to leave it to `staticDir` (404 without one). A throw or a
   * rejection is answered with 500.
   */
  readonly onRequest?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /**
   * Called once listening, e.g. to announce the relay over mDNS; the function it returns is called
   * on close. (The mDNS announcer plugs in here.)
   */
  readonly announce?: (address: RelayAddress) => (() => void | Promise<void>) | undefined;
}

/** Where a relay listens. */
export interface RelayAddress {
  readonly host: string;
  readonly port: number;
  /** `ws://host:port/` */
  readonly url: string;
}

/** Counters: what the relay did and what it refused, by stable error code. */
export interface RelayStats {
  /** Open sockets now. */
  connections: number;
  /** Logged-in clients now. */
  authenticated: number;
  /** Open sockets not logged in yet, now. */
  pending: number;
  /** Distinct client addresses with a socket or a room now. */
  addresses: number;
  /** Sockets not logged in that were closed (`server-full`) to make room at `maxConnections` for another address. */
  evicted: number;
  /**
   * TCP connections closed before their first HTTP request or upgrade: over the address's
   * `maxPendingPerAddress`, or silent for `authTimeoutMs` (`createRelay` only; 0 for `attachRelay`).
   */
  silentSockets: number;
  /** Rooms now. */
  rooms: number;
  /** Frames received from clients. */
  framesIn: number;
  /** `deliver` frames sent. */
  forwarded: number;
  /** `pong`s sent (answers to clients' heartbeat `ping`s). */
  pongs: number;
  /** Bytes of `deliver` frames sent. */
  bytesForwarded: number;
  /** Error frames sent, by code. */
  errors: Partial<Record<RelayErrorCode, number>>;
}

/** A relay attached to an HTTP server. */
export interface Relay {
  readonly stats: RelayStats;
  /** Tell every client (`shutting-down` error frame with `reason`), close their sockets, stop. */
  close(opts?: { reason?: string }): Promise<void>;
}

/** A relay with its own HTTP server. */
export interface ListeningRelay extends Relay {
  readonly address: RelayAddress;
}
