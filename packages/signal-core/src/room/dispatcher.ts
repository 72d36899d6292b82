/**
 * The host side's one listener per agent: every incoming connection whose peer opens the room
 * channels is a room candidate; its first frame must be a `join`, which goes to the hosted room of
 * that name (`wrong-room` refusal when there is none). Connections that never open the room
 * channels belong to other applications on the same agent and are left alone; one that opens them
 * but sends no valid join within `JOIN_TIMEOUT_MS` is closed.
 */
import type { Connection } from '../agent/connection.js';
import type { LanAgent } from '../agent/types.js';
import { timers } from '../encoding/timers.js';
import { InvalidArgumentError } from '../errors.js';
import type { SessionPeer } from '../session/peer.js';
import type { RoomPlatform } from './channel.js';
import { createRoomLink, type RoomLink, type RoomLinkEvents, type RoomTiming } from './link.js';
import type { RoomFrame } from './messages.js';

/** How long a connection that opened the room channels has to send its `join`, in ms. */
export const JOIN_TIMEOUT_MS = 5000;

/** A join the dispatcher hands to a hosted room, with the link it came on. */
export interface RoomCandidate<P extends SessionPeer> {
  readonly connection: Connection<P>;
  readonly link: RoomLink;
  readonly join: Extract<RoomFrame, { type: 'join' }>;
  /** Route the link's later events to the room. */
  adopt(events: RoomLinkEvents): void;
}

/** A hosted room as the dispatcher sees it. */
export interface HostedRoom<P extends SessionPeer> {
  admit(candidate: RoomCandidate<P>): void;
  /** A join for a room this agent does not host, or a link that failed before its join. */
  countRefusal(reason: string): void;
}

interface Dispatcher<P extends SessionPeer> {
  readonly rooms: Map<string, HostedRoom<P>>;
  readonly stop: () => void;
}

const dispatchers = new WeakMap<object, Dispatcher<SessionPeer>>();

/** Refuse a candidate: `refused {reason}`, a moment for it to leave, then close link and connection. */
export async function refuseCandidate(
  link: RoomLink,
  connection: { close(): Promise<void> },
  reason: string,
): Promise<void> {
  link.sendControl({ type: 'refused', reason });
  await link.flushed(500);
  link.close();
  await connection.close();
}

/** Host `room` on `agent`; returns unregister. Throws nothing: a second room of the same name replaces none (the caller checks). */
export function registerHostedRoom<P extends SessionPeer>(
  agent: LanAgent<P>,
  platform: RoomPlatform<P>,
  name: string,
  room: HostedRoom<P>,
  timing: RoomTiming,
): () => void {
  let d = dispatchers.get(agent) as Dispatcher<P> | undefined;
  if (!d) {
    const rooms = new Map<string, HostedRoom<P>>();
    const stop = agent.onConnection((connection) => {
      platform.acceptChannels(connection.peer).then(
        (channels) => dispatch(connection, channels),
        () => {}, // not a room connection (or it closed first): another application's business
      );
    });
    const dispatch = (connection: Connection<P>, channels: Parameters<typeof createRoomLink>[0]) => {
      let events: RoomLinkEvents | undefined;
      let waiting = true;
      const giveUp = (reason: string) => {
        if (!waiting) return;
        waiting = false;
        timers.clearTimeout(timer);
        for (const r of rooms.values()) r.countRefusal(reason);
        link.close();
        void connection.close();
      };
      const link = createRoomLink(
        channels,
        {
          onFrame: (frame, delivery) => {
            if (events) return events.onFrame(frame, delivery);
            if (!waiting) return;
            if (frame.type !== 'join') return giveUp('not-admitted');
            waiting = false;
            timers.clearTimeout(timer);
            const target = rooms.get(frame.room);
            if (!target) {
              for (const r of rooms.values()) r.countRefusal('wrong-room');
              void refuseCandidate(link, connection, 'wrong-room');
              return;
            }
            target.admit({ connection, link, join: frame, adopt: (next) => (events = next) });
          },
          onRejected: (error) => (events ? events.onRejected(error) : giveUp('not-admitted')),
          onEnd: (reason) => (events ? events.onEnd(reason) : giveUp('not-admitted')),
        },
        timing,
      );
      const timer = timers.setTimeout(() => giveUp('not-admitted'), JOIN_TIMEOUT_MS);
      void connection.ended.then(() => giveUp('not-admitted'));
    };
    d = { rooms, stop };
    dispatchers.set(agent, d as unknown as Dispatcher<SessionPeer>);
  }
  if (d.rooms.has(name)) throw new InvalidArgumentError(`room ${name} is already hosted on this agent`);
  d.rooms.set(name, room);
  const registered = d;
  return () => {
    if (registered.rooms.get(name) !== room) return;
    registered.rooms.delete(name);
    if (registered.rooms.size === 0) {
      registered.stop();
      dispatchers.delete(agent);
    }
  };
}
