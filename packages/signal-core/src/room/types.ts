/**
 * The rooms API shared by every platform (`hostRoom` / `joinRoom` in node-agent and
 * browser-client): members, messages, the room objects and their options.
 */
import type { AbortSignalLike } from '../encoding/abort.js';
import type { Unsubscribe } from '../events.js';
import type { RoomInvite } from './invite.js';

/** A member's role: the host every player connects to, or a player. */
export type RoomRole = 'host' | 'player';

/** Someone in the room. */
export interface RoomMember {
  /** Identity id (verified: the key the entry's signatures check against). */
  readonly id: string;
  /** Display name, signed by the member itself. */
  readonly name: string;
  readonly role: RoomRole;
  /** When the host admitted the member, ms since the epoch on the host's clock. */
  readonly joinedAt: number;
}

/** `reliable`: ordered, retransmitted; `unreliable`: `ordered: false, maxRetransmits: 0`. */
export type RoomDelivery = 'reliable' | 'unreliable';

/** An application message received in the room. */
export interface RoomMessage {
  /** The sender's identity id (the authenticated connection it came on). */
  readonly from: string;
  readonly delivery: RoomDelivery;
  readonly data: Uint8Array;
}

/** Counters of the sending side. */
export interface RoomSendStats {
  /** Unreliable messages dropped because the channel's buffer was above its high-water mark. */
  readonly dropped: number;
}

/** What host and player rooms share. */
export interface Room {
  readonly name: string;
  readonly self: RoomMember;
  /** Everyone present, self included, host first. */
  members(): readonly RoomMember[];
  onJoin(listener: (member: RoomMember) => void): Unsubscribe;
  onLeave(listener: (member: RoomMember, reason: string) => void): Unsubscribe;
  onMessage(listener: (message: RoomMessage) => void): Unsubscribe;
  /**
   * Send binary data. Returns true while the channel's buffer is under its high-water mark, false
   * above it (the data is still queued: wait for `drained(to)`). Reliable sends past a hard cap
   * throw `RoomBufferFullError`; unreliable sends above the high-water mark are dropped and counted
   * (`sendStats.dropped`). `RoomMessageTooLargeError` above 64 KiB reliable / 1200 bytes unreliable.
   */
  send(to: string, data: Uint8Array, delivery?: RoomDelivery): boolean;
  /** Host: to every player; player: to the host. A reliable member over its cap is skipped and reported (`RoomBufferFullError`). */
  broadcast(data: Uint8Array, delivery?: RoomDelivery): void;
  /** Resolves when that member's reliable buffer is under the low-water mark (at once if it is). */
  drained(to: string): Promise<void>;
  /** Last measured round trip to that member in ms (heartbeat pings, every second). */
  rtt(memberId: string): number | undefined;
  /** Counters of dropped unreliable sends. */
  readonly sendStats: RoomSendStats;
  /** Presence frames refused (bad signature, malformed, stale), by error name: what a forger costs. */
  readonly rejected: Readonly<Record<string, number>>;
  /**
   * Settles with why the room ended here. Host: `closed` (its `close`, or its agent closed). Player: `left` (its own `leave`), `kicked`,
   * `host-left` (the host closed the room: `endMessage` says why), or the connection was lost —
   * `disconnected` (it closed or failed), `timeout` (the host went silent), `stalled` — after which a
   * player may simply join again.
   */
  readonly ended: Promise<string>;
  /** Host: end the room for everyone with `reason` as the message; player: same as `leave`. */
  close(reason?: string): Promise<void>;
}

/** Who asks to join, for `HostRoomInit.approve`. */
export interface RoomJoinRequest {
  readonly id: string;
  readonly name: string;
}

/** Options of `hostRoom`. */
export interface HostRoomInit {
  /** Room name, 1–32 characters of `[a-z0-9-]`. */
  readonly room: string;
  /** The host's display name. */
  readonly name: string;
  /** Players, default 8 (`room-full` refusal past it). */
  readonly maxMembers?: number;
  /** A PIN a NEW member must type (a member already granted rejoins without it). */
  readonly pin?: string;
  /** Ask the user about a NEW member (a member already granted rejoins without it). */
  readonly approve?: (request: RoomJoinRequest) => boolean | Promise<boolean>;
  /** The room secret the invite carries (16 bytes); default random. */
  readonly secret?: Uint8Array;
}

/** Counters of the host's admission. */
export interface HostRoomStats {
  readonly admitted: number;
  /** Refusals by reason (`not-admitted`, `wrong-pin`, `declined`, `room-full`, `wrong-room`, `kicked`). */
  readonly refused: Readonly<Record<string, number>>;
}

/** The host's side of a room. */
export interface HostRoom extends Room {
  /** The invite with the secret: what the join QR code / URL carries. */
  readonly invite: RoomInvite;
  /** `encodeRoomInvite(invite)`. */
  readonly inviteText: string;
  /** Remove a player: it gets `kicked`, its grant is removed, and it is refused for the room's life. */
  kick(memberId: string, reason?: string): void;
  readonly stats: HostRoomStats;
}

/** Options of `joinRoom`. */
export interface JoinRoomInit {
  /** Display name, 1–32 characters. */
  readonly name: string;
  /** The room PIN, when the host set one and this member is new. */
  readonly pin?: string;
  /** Until admitted, in ms (default 15 s): `SessionTimeoutError` after it. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignalLike;
}

/** A player's side of a room. */
export interface PlayerRoom extends Room {
  readonly host: RoomMember;
  /** The message the host closed the room (or kicked this player) with, once `ended` settled. */
  readonly endMessage: string | undefined;
  /** Say goodbye to the host and close the connection. */
  leave(): Promise<void>;
}
