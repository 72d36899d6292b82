/**
 * `hostRoom` and `joinRoom` for Node: the platform-free rooms core over werift DataChannels. The
 * same functions, same shape, exist in `@lanrtc/browser-client`.
 */
import type {
  HostRoom,
  HostRoomInit,
  JoinRoomInit,
  LanAgent,
  PlayerRoom,
  RoomInvite,
} from '@lanrtc/signal-core';
import { createHostRoom, createPlayerRoom } from '@lanrtc/signal-core/room';
import type { WeriftSessionPeer } from '../session-peer.js';
import { weriftRoomPlatform } from './room-channel.js';

/** Host a room on `agent`: players join through its relay with `room.inviteText` (QR code / URL). */
export function hostRoom(agent: LanAgent<WeriftSessionPeer>, init: HostRoomInit): Promise<HostRoom> {
  return createHostRoom(agent, init, weriftRoomPlatform);
}

/** Join the room an invite (object or `LRR1:` text) names; `RoomRefusedError` when the host refuses. */
export function joinRoom(
  agent: LanAgent<WeriftSessionPeer>,
  invite: RoomInvite | string,
  init: JoinRoomInit,
): Promise<PlayerRoom> {
  return createPlayerRoom(agent, invite, init, weriftRoomPlatform);
}
