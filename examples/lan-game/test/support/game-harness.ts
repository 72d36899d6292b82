/**
 * TEST-ONLY: the host's authority and players' page logic on a memory network, stepped tick by tick
 * in virtual time — the same loop the host process and the page run, minus the timers and WebRTC.
 */
import { createGameClient, type GameClient } from '../../src/client/game-client.js';
import { createGameHost, type GameHost } from '../../src/host/game-host.js';
import { TICK_MS } from '../../src/shared/constants.js';
import { createMemoryNetwork, type MemoryNetwork, type MemoryNetworkInit } from './memory-room.js';

/** A stick input. */
export type Stick = { dx: number; dy: number; dash: boolean };

/** Host, network and players. */
export interface GameHarness {
  readonly net: MemoryNetwork;
  readonly host: GameHost;
  readonly players: Map<string, GameClient>;
  /** A player joins and its page starts. */
  join(id: string, name?: string): GameClient;
  /** Run `ticks` ticks; `stick(id, t)` gives each page's input (default: at rest). */
  run(ticks: number, stick?: (id: string, t: number) => Stick): void;
}

/** A harness whose host plays rounds of `roundSeconds`. */
export function createGameHarness(
  init: MemoryNetworkInit & { roundSeconds?: number; seed?: number } = {},
): GameHarness {
  const net = createMemoryNetwork(init);
  const host = createGameHost({
    room: net.host,
    roundSeconds: init.roundSeconds ?? 10,
    seed: init.seed ?? 1,
    now: () => net.now,
    clock: () => net.now,
  });
  const players = new Map<string, GameClient>();
  let t = 0;
  return {
    net,
    host,
    players,
    join(id, name = id) {
      players.get(id)?.close();
      const client = createGameClient({
        room: net.join(id, name),
        hostId: 'host',
        now: () => net.now,
        wallClock: () => net.now,
      });
      players.set(id, client);
      return client;
    },
    run(ticks, stick = () => ({ dx: 0, dy: 0, dash: false })) {
      for (let k = 0; k < ticks; k++, t++) {
        for (const [id, client] of players) client.step(stick(id, t));
        host.tick();
        net.advance(TICK_MS);
      }
    },
  };
}
