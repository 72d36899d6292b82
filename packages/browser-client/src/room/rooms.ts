/**
 * `hostRoom` and `joinRoom` for browsers: the platform-free rooms core over native DataChannels.
 * The same functions, same shape, exist in `@lanrtc/node-agent`. A page that goes away (`pagehide`)
 * says goodbye first, so the others see it leave at once instead of after the 5 s silence.
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
import type { BrowserSessionPeer } from '../session-peer.js';
import { browserRoomPlatform } from './room-channel.js';

/** Run `goodbye` when the page is hidden for good (navigation, tab closed) until the room ends. */
function sayGoodbyeOnPagehide(ended: Promise<string>, goodbye: () => void): void {
  if (typeof globalThis.addEventListener !== 'function') return;
  // Even a page kept in the back/forward cache loses its connections: leave either way.
  const onHide = () => goodbye();
  globalThis.addEventListener('pagehide', onHide);
  void ended.then(() => globalThis.removeEventListener('pagehide', onHide));
}

/** Host a room on `agent`: players join through its relay with `room.inviteText` (QR code / URL). */
export async function hostRoom(agent: LanAgent<BrowserSessionPeer>, init: HostRoomInit): Promise<HostRoom> {
  const room = await createHostRoom(agent, init, browserRoomPlatform);
  sayGoodbyeOnPagehide(room.ended, () => void room.close('host-left'));
  return room;
}

/** Join the room an invite (object or `LRR1:` text) names; `RoomRefusedError` when the host refuses. */
export async function joinRoom(
  agent: LanAgent<BrowserSessionPeer>,
  invite: RoomInvite | string,
  init: JoinRoomInit,
): Promise<PlayerRoom> {
  const room = await createPlayerRoom(agent, invite, init, browserRoomPlatform);
  sayGoodbyeOnPagehide(room.ended, () => void room.leave());
  return room;
}
