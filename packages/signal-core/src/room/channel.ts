/**
 * What the rooms layer needs from a DataChannel, so the core stays platform-free: node-agent adapts
 * werift's `RTCDataChannel`, browser-client the native one, tests an in-memory pair. Names follow
 * the W3C `RTCDataChannel` (webrtc-pc §6.2).
 */
import type { Unsubscribe } from '../events.js';
import type { SessionPeer } from '../session/peer.js';

/** Label of the reliable, ordered room channel (the player opens it on its connection to the host). */
export const ROOM_CHANNEL_LABEL = 'lanrtc-room';
/** Label of the unreliable, unordered room channel (`ordered: false, maxRetransmits: 0`). */
export const ROOM_FAST_CHANNEL_LABEL = 'lanrtc-room-fast';

/** One open DataChannel as the room drives it. */
export interface RoomChannel {
  /** Queue one binary message (webrtc-pc §6.2 `send`). */
  send(data: Uint8Array): void;
  /** Bytes queued and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Where `onBufferedAmountLow` fires when `bufferedAmount` falls to or below it. */
  bufferedAmountLowThreshold: number;
  onBufferedAmountLow(listener: () => void): Unsubscribe;
  /** Binary messages (a text message is passed as its UTF-8 bytes, and then refused by the decoder). */
  onMessage(listener: (data: Uint8Array) => void): Unsubscribe;
  /** The channel closed (by either side, or its connection ended); fires once. */
  onClose(listener: () => void): Unsubscribe;
  close(): void;
}

/** The two channels of one member's link. */
export interface RoomChannels {
  readonly reliable: RoomChannel;
  readonly unreliable: RoomChannel;
}

/** How a platform opens and accepts the room channels on its session peer. */
export interface RoomPlatform<P extends SessionPeer> {
  /** Player: create both channels (not negotiated) on `peer` and resolve once both are open. */
  openChannels(peer: P): Promise<RoomChannels>;
  /** Host: resolve with both channels once the remote opened them (rejects when the peer closes first). */
  acceptChannels(peer: P): Promise<RoomChannels>;
}
