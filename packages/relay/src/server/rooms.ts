/**
 * The relay's rooms: who is in which, with presence fanned out on every join and leave, and the room
 * limits: per relay, per connection and per client address (docs/PROTOCOL.md §"Relay protocol",
 * rooms and presence).
 */
import { encodeRelayFrame } from '@lanrtc/signal-core/protocol';
import type { RelayLimits } from '../limits.js';
import type { AddressTable } from './address-use.js';
import type { Conn } from './connection.js';
import type { Outbound } from './outbound.js';

/** The relay's room table. */
export interface RelayRooms {
  /** `c` (logged in) enters `room`: `joined` to it, `presence` to the others; or `too-many-rooms` / `room-full`. */
  join(c: Conn, room: string): void;
  /** `c` leaves `room` (nothing when it is not in it); the others see `presence` absent. */
  leave(c: Conn, room: string): void;
}

/** An empty room table; `stats.rooms` follows its size. */
export function createRelayRooms(
  limits: Pick<RelayLimits, 'maxRooms' | 'maxRoomsPerConnection' | 'maxRoomsPerAddress' | 'maxPeersPerRoom'>,
  addresses: AddressTable,
  stats: { rooms: number },
  out: Outbound,
): RelayRooms {
  const rooms = new Map<string, Set<Conn>>();
  return {
    join(c, room) {
      let members = rooms.get(room);
      if (!members?.has(c)) {
        // A room counts once per address, however many of its sockets are in it.
        const held = addresses.use(c.address).rooms;
        const over =
          c.rooms.size >= limits.maxRoomsPerConnection
            ? 'connection'
            : !held.has(room) && held.size >= limits.maxRoomsPerAddress
              ? 'address'
              : !members && rooms.size >= limits.maxRooms
                ? 'relay'
                : undefined;
        if (over) {
          out.sendError(c, 'too-many-rooms', `${over} room limit`, room);
          return;
        }
        if (members && members.size >= limits.maxPeersPerRoom) {
          out.sendError(c, 'room-full', '', room);
          return;
        }
        if (!members) {
          members = new Set();
          rooms.set(room, members);
        }
        // Joined before the fan-out, so the room outlives members evicted during it (slow consumers).
        members.add(c);
        c.rooms.add(room);
        held.set(room, (held.get(room) ?? 0) + 1);
        stats.rooms = rooms.size;
        const presence = encodeRelayFrame({ type: 'presence', room, id: c.id as Uint8Array, present: true });
        for (const m of [...members]) if (m !== c) out.sendTo(m, presence);
      }
      const others = [...members].filter((m) => m !== c).map((m) => m.id as Uint8Array);
      out.sendTo(c, encodeRelayFrame({ type: 'joined', room, members: others }));
    },
    leave(c, room) {
      const members = rooms.get(room);
      if (!members?.delete(c)) return;
      c.rooms.delete(room);
      const held = addresses.use(c.address).rooms;
      const left = (held.get(room) ?? 1) - 1;
      if (left > 0) held.set(room, left);
      else held.delete(room);
      if (members.size === 0) rooms.delete(room);
      else if (c.id) {
        const frame = encodeRelayFrame({ type: 'presence', room, id: c.id, present: false });
        // A copy: a member evicted as a slow consumer leaves this room while the loop runs.
        for (const m of [...members]) out.sendTo(m, frame);
      }
      stats.rooms = rooms.size;
    },
  };
}
