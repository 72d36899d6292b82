/**
 * The rooms a relay client is in: joins waiting for the relay's `joined`, and the set of rooms to
 * re-join after every re-login (docs/PROTOCOL.md §"Relay protocol", rooms and presence).
 */
import { TransportClosedError } from '../../errors.js';
import { encodeRelayFrame } from '../frames.js';
import type { RelayWebSocket } from './socket.js';

/** A client's room memberships. */
export interface RoomMemberships {
  /**
   * Ask to enter `room`: sent on `socket`, or when undefined with the re-joins after the next login —
   * unless `noRedial` (nothing will come after), which rejects with `TransportClosedError`.
   */
  join(room: string, socket: RelayWebSocket | undefined, noRedial: boolean): Promise<string[]>;
  /** Leave `room` (sent on `socket`; when disconnected, its pending joins are rejected). */
  leave(room: string, socket: RelayWebSocket | undefined): void;
  /** The relay's `joined`: resolves the oldest pending join, or reports an automatic re-join's members via `onRejoined`. */
  joined(room: string, members: string[], onRejoined: (id: string) => void): void;
  /** The relay refused a join (`room-full`, `too-many-rooms`): its waiter rejects with `error`. */
  refused(room: string, error: Error): void;
  /** Logged in again: join every room again on `socket`. */
  rejoin(socket: RelayWebSocket): void;
  /** The connection closed for good: every pending join rejects. */
  close(): void;
}

type JoinWaiter = { resolve(ids: string[]): void; reject(e: Error): void };

/** Empty room memberships. */
export function createRoomMemberships(): RoomMemberships {
  const joins = new Map<string, JoinWaiter[]>();
  /** Rooms to be in: re-joined after every re-login. */
  const rooms = new Set<string>();
  return {
    join(room, socket, noRedial) {
      let frame: Uint8Array;
      try {
        frame = encodeRelayFrame({ type: 'join', room });
      } catch (e) {
        return Promise.reject(e);
      }
      if (!socket && noRedial) return Promise.reject(new TransportClosedError('relay connection is closed'));
      return new Promise<string[]>((resolve, reject) => {
        const list = joins.get(room) ?? [];
        list.push({ resolve, reject });
        joins.set(room, list);
        rooms.add(room);
        // While disconnected the join goes out with the re-joins after the next login.
        socket?.send(frame);
      });
    },
    leave(room, socket) {
      rooms.delete(room);
      if (socket) {
        socket.send(encodeRelayFrame({ type: 'leave', room }));
        return;
      }
      // Never sent: nobody will answer these joins.
      for (const w of joins.get(room) ?? []) w.reject(new TransportClosedError('left the room'));
      joins.delete(room);
    },
    joined(room, members, onRejoined) {
      const w = joins.get(room)?.shift();
      if (w) w.resolve(members);
      // An answer to an automatic re-join: who is there now (presence missed while away).
      else for (const id of members) onRejoined(id);
    },
    refused(room, error) {
      joins.get(room)?.shift()?.reject(error);
      if (!joins.get(room)?.length) rooms.delete(room);
    },
    rejoin(socket) {
      for (const room of rooms) socket.send(encodeRelayFrame({ type: 'join', room }));
    },
    close() {
      for (const waiting of joins.values())
        for (const w of waiting) w.reject(new TransportClosedError('relay connection closed'));
      joins.clear();
    },
  };
}
