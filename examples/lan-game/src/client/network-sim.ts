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
      const later = (wait: number, run: () => void) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          run();
        }, wait);
        timers.add(timer);
      };
      // Reliable messages wait in one queue, delivered front first: one timer per message could fire
      // out of order (timers round to whole milliseconds).
      const reliable: { due: number; m: GameRoomMessage }[] = [];
      const flush = () => {
        const now = Date.now();
        while (reliable[0] && reliable[0].due <= now)
          listener((reliable.shift() as { m: GameRoomMessage }).m);
        if (reliable[0]) later(reliable[0].due - now, flush);
      };
      const off = room.onMessage((m) => {
        stats.delayed++;
        if (m.delivery === 'unreliable') {
          if (random() * 100 < sim.lossPercent) {
            stats.dropped++;
            return;
          }
          later(random() * sim.jitterMs, () => listener(m));
          return;
        }
        const due = Math.max(reliable[reliable.length - 1]?.due ?? 0, Date.now() + random() * sim.jitterMs);
        reliable.push({ due, m });
        if (reliable.length === 1) later(due - Date.now(), flush);
      });
      return () => {
        off();
        for (const t of timers) clearTimeout(t);
        timers.clear();
        reliable.length = 0;
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
