/**
 * Everything `pnpm --filter lan-game start` runs, wired together: the page and relay on the LAN
 * address, a Node agent logged into that relay hosting the room, the authority ticking at 60 Hz, the
 * host screen on 127.0.0.1 and the mDNS announcement (device type `game`). `stop` ends the room for
 * every player with a message, then closes each part in reverse order.
 */
import { announceListener } from '@lanrtc/mdns-announcer';
import { createNodeAgent, type HostRoom, hostRoom, type NodeAgent } from '@lanrtc/node-agent';
import type { ListeningRelay } from '@lanrtc/relay';
import type { Logger } from '@lanrtc/signal-core';
import { MAX_PLAYERS, TICK_MS } from '../shared/constants.js';
import { JOIN_PARAM, RELAY_PATH } from '../shared/paths.js';
import { createGameHost, type GameHost } from './game-host.js';
import { type ScreenServer, startScreenServer } from './screen-server.js';
import { startTickLoop, type TickLoop } from './tick-loop.js';
import { startWebServer } from './web-server.js';

/** The mDNS device type (DNS-SD subtype `_game._sub._lanrtc._udp`). */
export const GAME_DEVICE_TYPE = 'game';
/** Most ticks run back to back after a stall (the event loop was blocked): beyond, the game slows down instead. */
const MAX_CATCH_UP_TICKS = 5;

/** Options of `startGameServer`. */
export interface GameServerInit {
  readonly name: string;
  readonly room: string;
  readonly roundSeconds: number;
  readonly address: string;
  readonly port: number;
  readonly screenPort: number;
  readonly config: string;
  readonly clientDir: string;
  readonly announce: boolean;
  readonly logger?: Logger;
}

/** The running game server. */
export interface GameServer {
  /** What the QR code carries: the page with the invite in its fragment. */
  readonly joinUrl: string;
  readonly screenUrl: string;
  readonly game: GameHost;
  readonly room: HostRoom;
  readonly agent: NodeAgent;
  /** A problem after start-up (announcement, a send), for the terminal. */
  onProblem(listener: (error: Error) => void): void;
  /** End the game for everyone with `message` and close everything. */
  stop(message: string): Promise<void>;
}

/** Start the game server. */
export async function startGameServer(init: GameServerInit): Promise<GameServer> {
  const cleanup: (() => unknown)[] = [];
  const closeAll = async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  const problems = new Set<(error: Error) => void>();
  const problem = (error: Error) => {
    for (const l of problems) l(error);
  };
  try {
    const web: ListeningRelay = await startWebServer({
      address: init.address,
      port: init.port,
      clientDir: init.clientDir,
      ...(init.logger ? { logger: init.logger } : {}),
    });
    cleanup.push(() => web.close({ reason: 'the game is over' }));
    const agent = await createNodeAgent({
      config: init.config,
      relay: `ws://${init.address}:${web.address.port}${RELAY_PATH}`,
      ...(init.logger ? { logger: init.logger } : {}),
    });
    cleanup.push(() => agent.close());
    const room = await hostRoom(agent, { room: init.room, name: init.name, maxMembers: MAX_PLAYERS });
    cleanup.push(() => room.close('host-left'));
    // The loop's counters go into the game's status; the loop starts with the game's first tick due.
    let loop: TickLoop | undefined;
    const game = createGameHost({ room, roundSeconds: init.roundSeconds, loopStats: () => loop?.stats() });
    loop = startTickLoop({
      tick: () => game.tick(),
      onError: problem,
      tickMs: TICK_MS,
      maxCatchUp: MAX_CATCH_UP_TICKS,
    });
    cleanup.push(() => loop?.stop());
    const joinUrl = `http://${init.address}:${web.address.port}/#${JOIN_PARAM}=${room.inviteText}`;
    const screen: ScreenServer = await startScreenServer({
      game,
      port: init.screenPort,
      clientDir: init.clientDir,
      joinUrl,
      name: init.name,
    });
    cleanup.push(() => screen.close());
    if (init.announce) {
      // The card comes from a direct listener (it is what signs the card's address and certificate);
      // the game itself runs over the relay.
      const listener = await agent.listenDirect({
        name: init.name,
        deviceTypes: [GAME_DEVICE_TYPE],
        addresses: [init.address],
        port: 0,
      });
      cleanup.push(() => listener.close());
      const ad = await announceListener(listener, {
        interfaces: [init.address],
        ...(init.logger ? { logger: init.logger } : {}),
      });
      cleanup.push(() => ad.close());
    }
    return {
      joinUrl,
      screenUrl: screen.url,
      game,
      room,
      agent,
      onProblem: (l) => problems.add(l),
      async stop(message) {
        game.close(message);
        // The goodbye rides the reliable channel; closing the room right after still delivers it
        // (the room's own close message carries the same text for a page that misses it).
        await room.close(message).catch(() => undefined);
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
