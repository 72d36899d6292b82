/**
 * What the game needs from a room: the subset of the rooms layer's `Room` (`hostRoom` / `joinRoom` of
 * `@lanrtc/node-agent` and `@lanrtc/browser-client`) the host and the page use. A real room is one;
 * the unit tests pass an in-memory pair, so the simulation and the page's logic run without WebRTC.
 */

/** Who is in the room. */
export interface GameRoomMember {
  readonly id: string;
  readonly name: string;
  readonly role: 'host' | 'player';
}

/** `reliable`: ordered and retransmitted; `unreliable`: unordered, never retransmitted. */
export type GameDelivery = 'reliable' | 'unreliable';

/** A message from a member (the room verified `from`). */
export interface GameRoomMessage {
  readonly from: string;
  readonly delivery: GameDelivery;
  readonly data: Uint8Array;
}

/** The room calls the game uses. */
export interface GameRoom {
  readonly self: GameRoomMember;
  members(): readonly GameRoomMember[];
  onJoin(listener: (member: GameRoomMember) => void): () => void;
  onLeave(listener: (member: GameRoomMember, reason: string) => void): () => void;
  onMessage(listener: (message: GameRoomMessage) => void): () => void;
  send(to: string, data: Uint8Array, delivery?: GameDelivery): boolean;
  /** Host: to every player; player: to the host. */
  broadcast(data: Uint8Array, delivery?: GameDelivery): void;
  /** Last measured round trip to a member, ms. */
  rtt(memberId: string): number | undefined;
}
