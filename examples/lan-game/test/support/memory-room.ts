/**
 * TEST-ONLY: a room in memory with a virtual clock — one host, any number of players, every message
 * delivered when `advance` passes its due time. Latency, jitter and loss are functions the test picks,
 * so the host's simulation and the page's prediction run against a bad network with no WebRTC.
 */
import type { GameDelivery, GameRoom, GameRoomMember, GameRoomMessage } from '../../src/shared/game-room.js';

/** How the network behaves, per message. */
export interface MemoryNetworkInit {
  /** One-way delay of a message, ms (default 0). */
  readonly delayMs?: (delivery: GameDelivery) => number;
  /** True: drop this unreliable message (reliable ones are never lost: the channel retransmits). */
  readonly drop?: () => boolean;
  /** What `rtt()` reports (default 2 × a zero delay). */
  readonly rttMs?: number;
}

interface Pending {
  readonly due: number;
  readonly order: number;
  readonly to: string;
  readonly message: GameRoomMessage;
}

/** The network and its rooms. */
export interface MemoryNetwork {
  readonly host: GameRoom;
  /** Virtual time, ms. */
  readonly now: number;
  /** A player joins (or rejoins with the same id). */
  join(id: string, name: string): GameRoom;
  /** Another handle on a present member's room, with no join (what a hostile page sends from). */
  handle(id: string): GameRoom;
  /** A player drops (its room stops receiving; the host sees it leave). */
  drop(id: string): void;
  /** Let `ms` of virtual time pass, delivering what falls due. */
  advance(ms: number): void;
  /** Messages sent so far by delivery. */
  readonly sent: { reliable: number; unreliable: number; dropped: number };
}

/** A memory network whose host has id `host`. */
export function createMemoryNetwork(init: MemoryNetworkInit = {}): MemoryNetwork {
  let now = 0;
  let order = 0;
  const queue: Pending[] = [];
  const sent = { reliable: 0, unreliable: 0, dropped: 0 };
  const members = new Map<string, GameRoomMember>();
  const inboxes = new Map<string, Set<(m: GameRoomMessage) => void>>();
  const joins = new Set<(m: GameRoomMember) => void>();
  const leaves = new Set<(m: GameRoomMember, reason: string) => void>();
  // Reliable delivery is ordered per receiver: never due before the previous reliable message.
  const lastReliableDue = new Map<string, number>();
  const post = (from: string, to: string, data: Uint8Array, delivery: GameDelivery = 'reliable') => {
    if (!members.has(to)) return false;
    sent[delivery]++;
    if (delivery === 'unreliable' && init.drop?.()) {
      sent.dropped++;
      return true;
    }
    let due = now + (init.delayMs?.(delivery) ?? 0);
    if (delivery === 'reliable') {
      due = Math.max(due, lastReliableDue.get(to) ?? 0);
      lastReliableDue.set(to, due);
    }
    queue.push({ due, order: order++, to, message: { from, delivery, data: data.slice() } });
    return true;
  };
  const roomOf = (self: GameRoomMember, receives = true): GameRoom => {
    const inbox = new Set<(m: GameRoomMessage) => void>();
    if (receives) inboxes.set(self.id, inbox);
    const isHost = self.role === 'host';
    return {
      self,
      members: () => [...members.values()],
      onJoin: (l) => {
        if (!isHost) return () => undefined;
        joins.add(l);
        return () => joins.delete(l);
      },
      onLeave: (l) => {
        if (!isHost) return () => undefined;
        leaves.add(l);
        return () => leaves.delete(l);
      },
      onMessage: (l) => {
        inbox.add(l);
        return () => inbox.delete(l);
      },
      send: (to, data, delivery) => post(self.id, to, data, delivery),
      broadcast: (data, delivery) => {
        if (isHost) {
          for (const m of members.values()) if (m.role === 'player') post(self.id, m.id, data, delivery);
        } else post(self.id, 'host', data, delivery);
      },
      rtt: (id) => (members.has(id) ? (init.rttMs ?? 2 * (init.delayMs?.('reliable') ?? 0)) : undefined),
    };
  };
  const hostMember: GameRoomMember = { id: 'host', name: 'Host', role: 'host' };
  members.set('host', hostMember);
  const host = roomOf(hostMember);
  return {
    host,
    get now() {
      return now;
    },
    sent,
    join(id, name) {
      const member: GameRoomMember = { id, name, role: 'player' };
      members.set(id, member);
      const room = roomOf(member);
      for (const l of joins) l(member);
      return room;
    },
    handle(id) {
      const member = members.get(id);
      if (!member) throw new Error(`no member ${id}`);
      return roomOf(member, false);
    },
    drop(id) {
      const member = members.get(id);
      if (!member) return;
      members.delete(id);
      inboxes.delete(id);
      for (const l of leaves) l(member, 'closed');
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        queue.sort((a, b) => a.due - b.due || a.order - b.order);
        const next = queue[0];
        if (!next || next.due > until) break;
        queue.shift();
        now = Math.max(now, next.due);
        for (const l of inboxes.get(next.to) ?? []) l(next.message);
      }
      now = until;
    },
  };
}
