/**
 * A debug option that makes a good LAN look like a bad one, in the page itself: each received message
 * waits a random 0…`jitterMs` ms, and `lossPercent` of the unreliable ones (snapshots) are dropped.
 * Reliable messages keep their order (as the real channel would), unreliable ones may overtake each
 * other. Turned on by the URL (`#join=…&jitter=50&loss=5`); off, the room is used as it is.
 */
import type { GameRoom, GameRoomMessage } from '../shared/game-room.js';

/** What to simulate. */
export interface NetworkSimulation {
  readonly jitterMs: number;
  readonly lossPercent: number;
  /** Random numbers in [0, 1) (tests pass a seeded one). */
  readonly random?: () => number;
}

/** Counters of the simulation. */
export interface NetworkSimulationStats {
  delayed: number;
  dropped: number;
}

/** `room` with its received messages delayed and thinned as `sim` says. */
export function withNetworkSimulation(
  room: GameRoom,
  sim: NetworkSimulation,
  stats: NetworkSimulationStats = { delayed: 0, dropped: 0 },
): GameRoom {
  const random = sim.random ?? Math.random;
  let reliableDue = 0;
  return {
    get self() {
      return room.self;
    },
    members: () => room.members(),
    onJoin: (l) => room.onJoin(l),
    onLeave: (l) => room.onLeave(l),
    send: (to, data, delivery) => room.send(to, data, delivery),
    broadcast: (data, delivery) => room.broadcast(data, delivery),
    rtt: (id) => room.rtt(id),
    onMessage(listener) {
      const timers = new Set<ReturnType<typeof setTimeout>>();
      const deliver = (m: GameRoomMessage, wait: number) => {
        stats.delayed++;
        const timer = setTimeout(() => {
          timers.delete(timer);
          listener(m);
        }, wait);
        timers.add(timer);
      };
      const off = room.onMessage((m) => {
        if (m.delivery === 'unreliable') {
          if (random() * 100 < sim.lossPercent) {
            stats.dropped++;
            return;
          }
          deliver(m, random() * sim.jitterMs);
          return;
        }
        // Reliable: never before an earlier reliable message.
        const now = Date.now();
        reliableDue = Math.max(reliableDue, now + random() * sim.jitterMs);
        deliver(m, reliableDue - now);
      });
      return () => {
        off();
        for (const t of timers) clearTimeout(t);
        timers.clear();
      };
    },
  };
}

/** Read `jitter=<ms>` and `loss=<percent>` from URL-fragment parameters; undefined when neither is there. */
export function networkSimulationFromParams(params: URLSearchParams): NetworkSimulation | undefined {
  const jitter = params.get('jitter');
  const loss = params.get('loss');
  if (jitter === null && loss === null) return undefined;
  const num = (text: string | null, max: number) => {
    const n = Number(text ?? '0');
    return Number.isFinite(n) ? Math.min(max, Math.max(0, n)) : 0;
  };
  return { jitterMs: num(jitter, 1000), lossPercent: num(loss, 100) };
}
