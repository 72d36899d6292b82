/** Relay limits and their defaults: every resource a client can make the relay spend is bounded. */
import { MAX_RELAY_PAYLOAD, MAX_ROOM_MEMBERS } from '@lanrtc/signal-core/protocol';

/** Per-relay and per-connection bounds; each violation has an error frame and a counter. */
export interface RelayLimits {
  /** Largest WebSocket message accepted, in bytes (`frame-too-large` above it). */
  readonly maxFrameBytes: number;
  /** Sustained frames per second per connection (token bucket; `rate-limited` when empty). */
  readonly ratePerSecond: number;
  /** Token bucket depth: frames a connection may send in a burst. */
  readonly rateBurst: number;
  /**
   * Sockets at once (`server-full`). At the cap, a newcomer evicts the oldest socket of another
   * address that has not logged in yet, if there is one.
   */
  readonly maxConnections: number;
  /** Sockets not logged in yet from one address (`address-full`): a flood of them leaves the rest of the relay free. */
  readonly maxPendingPerAddress: number;
  /** Logged-in identities from one address (`address-full`). */
  readonly maxLoginsPerAddress: number;
  /** Members of one room (`room-full`). */
  readonly maxPeersPerRoom: number;
  /** Rooms on the relay (`too-many-rooms`). */
  readonly maxRooms: number;
  /** Rooms one connection may be in (`too-many-rooms`). */
  readonly maxRoomsPerConnection: number;
  /** Rooms the sockets of one address may be in together (`too-many-rooms`). */
  readonly maxRoomsPerAddress: number;
  /** Bytes queued towards one client before it is evicted as a slow consumer (`slow-consumer`). */
  readonly maxBufferedBytes: number;
  /** Time to finish the login after the socket opens (`auth-timeout`): one round trip and one signature. */
  readonly authTimeoutMs: number;
  /** Interval of WebSocket pings (RFC 6455 §5.5.2); browsers answer them without app code. */
  readonly heartbeatMs: number;
  /** Silence (no frame, no pong) after which a connection is dead (`idle-timeout`). */
  readonly idleTimeoutMs: number;
}

/**
 * Defaults sized for a home or office LAN relay on a small device. The per-address limits keep one
 * host to a small share of each global cap (32 + 64 of 10 000 sockets, 64 of 1 000 rooms, 64 of a
 * room's 256 members), yet far above what one host's tabs and devices use. Lowering a global cap
 * without its per-address share gives one address a larger fraction of it.
 */
export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxFrameBytes: MAX_RELAY_PAYLOAD + 64,
  ratePerSecond: 200,
  rateBurst: 400,
  maxConnections: 10_000,
  maxPendingPerAddress: 32,
  maxLoginsPerAddress: 64,
  maxPeersPerRoom: Math.min(256, MAX_ROOM_MEMBERS),
  maxRooms: 1_000,
  maxRoomsPerConnection: 16,
  maxRoomsPerAddress: 64,
  maxBufferedBytes: 1024 * 1024,
  authTimeoutMs: 5_000,
  heartbeatMs: 20_000,
  idleTimeoutMs: 60_000,
};
