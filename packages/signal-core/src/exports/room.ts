/** @lanrtc/signal-core/room — the rooms layer for platform packages: the host and player cores, the channel adapter interface, wire format and signed roster. */

export {
  CONTROL_SLACK,
  RELIABLE_HARD_CAP,
  RELIABLE_HIGH_WATER,
  RELIABLE_LOW_WATER,
  UNRELIABLE_HIGH_WATER,
} from '../room/backpressure.js';
export {
  ROOM_CHANNEL_LABEL,
  ROOM_FAST_CHANNEL_LABEL,
  type RoomChannel,
  type RoomChannels,
  type RoomPlatform,
} from '../room/channel.js';
export { JOIN_TIMEOUT_MS } from '../room/dispatcher.js';
export { createHostRoom, type RoomCoreOptions } from '../room/host.js';
export {
  createRoomLink,
  DEFAULT_ROOM_TIMING,
  type RoomLink,
  type RoomLinkEvents,
  type RoomTiming,
} from '../room/link.js';
export { createMemoryRoomChannelPair, type MemoryRoomChannel } from '../room/memory-channel.js';
export {
  decodeRoomFrame,
  encodeRoomFrame,
  MAX_REASON_BYTES,
  ROOM_WIRE_VERSION,
  type RoomFrame,
  RoomFrameType,
} from '../room/messages.js';
export { ROOM_JOIN_ACTION, roomScope } from '../room/names.js';
export { PIN_LOCK_MS, PIN_MEMBER_FAILURES, PIN_ROOM_FAILURES } from '../room/pin-guard.js';
export { createPlayerRoom, JOIN_ROOM_TIMEOUT_MS } from '../room/player.js';
export {
  identitySigner,
  openRoster,
  ROOM_NAME_DOMAIN,
  ROOM_PROOF_DOMAIN,
  ROOM_ROSTER_DOMAIN,
  type RoomSigner,
  type Roster,
  type RosterDeparture,
  type RosterEntry,
  roomNameMessage,
  roomSecretProof,
  sealRoster,
  signRoomName,
  type VerifiedRoster,
  verifyRoomName,
} from '../room/roster.js';
