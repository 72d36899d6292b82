/**
 * One player's time in the game: join the room from the invite, run the game client on it, and when
 * the connection drops (tab in the background, Wi-Fi blip) join again — the host granted this browser's
 * identity (kept in IndexedDB) on the first join, so rejoining needs nothing typed and the host gives
 * the disc and score back. Ends when the host says goodbye, refuses or removes the player.
 */
import { type BrowserAgent, joinRoom, type PlayerRoom } from '@lanrtc/browser-client';
import { createGameClient, type GameClient } from './game-client.js';
import { type NetworkSimulation, type NetworkSimulationStats, withNetworkSimulation } from './network-sim.js';

/** Where the session is. */
export type SessionState =
  | { readonly kind: 'joining'; readonly attempt: number }
  | { readonly kind: 'playing'; readonly client: GameClient; readonly room: PlayerRoom }
  | { readonly kind: 'reconnecting'; readonly attempt: number; readonly why: string }
  | { readonly kind: 'over'; readonly message: string };

/** Options of `runSession`. */
export interface SessionInit {
  readonly agent: BrowserAgent;
  readonly inviteText: string;
  readonly name: string;
  readonly simulation?: NetworkSimulation;
  readonly simulationStats?: NetworkSimulationStats;
  readonly onState: (state: SessionState) => void;
  readonly signal?: AbortSignal;
}

/** How long the first join may take (pairing included), and each later attempt (ms). */
const FIRST_JOIN_TIMEOUT_MS = 15_000;
const REJOIN_TIMEOUT_MS = 5_000;
/** Waits between join attempts after a drop, ms (then the last one, repeated). */
const BACKOFF_MS = [250, 1000, 2000, 4000];

/** Run the session until the game is over for this player (or `signal` aborts). */
export async function runSession(init: SessionInit): Promise<void> {
  let attempt = 0;
  for (;;) {
    if (init.signal?.aborted) return;
    init.onState(
      attempt === 0 ? { kind: 'joining', attempt } : { kind: 'reconnecting', attempt, why: 'joining' },
    );
    let room: PlayerRoom;
    try {
      // A rejoin gives up sooner: an attempt started while the Wi-Fi was still away would otherwise
      // hold the next one back for the whole first-join allowance.
      room = await joinRoom(init.agent, init.inviteText, {
        name: init.name,
        timeoutMs: attempt === 0 ? FIRST_JOIN_TIMEOUT_MS : REJOIN_TIMEOUT_MS,
      });
    } catch (error) {
      const e = error as Error & { reason?: string };
      if (e.name === 'RoomRefusedError') {
        init.onState({ kind: 'over', message: refusalText(e.reason) });
        return;
      }
      attempt++;
      init.onState({ kind: 'reconnecting', attempt, why: e.name });
      await sleep(BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)] ?? 4000);
      continue;
    }
    const gameRoom = init.simulation
      ? withNetworkSimulation(room, init.simulation, init.simulationStats)
      : room;
    const client = createGameClient({ room: gameRoom, hostId: room.host.id });
    init.onState({ kind: 'playing', client, room });
    const onAbort = () => void room.leave();
    init.signal?.addEventListener('abort', onAbort, { once: true });
    const reason = await room.ended;
    init.signal?.removeEventListener('abort', onAbort);
    client.close();
    if (init.signal?.aborted) return;
    // `host-left` is the host closing the room; a lost connection (`disconnected`, `timeout`) is worth
    // joining again.
    if (client.bye !== undefined || reason === 'host-left') {
      init.onState({
        kind: 'over',
        message: client.bye ?? room.endMessage ?? 'The host left: the game is over.',
      });
      return;
    }
    if (reason === 'kicked') {
      init.onState({ kind: 'over', message: room.endMessage ?? 'The host removed you from the game.' });
      return;
    }
    attempt = 1;
    init.onState({ kind: 'reconnecting', attempt, why: reason });
    await sleep(BACKOFF_MS[0] ?? 250);
  }
}

function refusalText(reason: string | undefined): string {
  switch (reason) {
    case 'room-full':
      return 'The game is full (8 players).';
    case 'kicked':
      return 'The host removed you from this game.';
    case 'declined':
      return 'The host declined.';
    default:
      return `The host did not let this browser in (${reason ?? 'refused'}). Scan the code on the host's screen again.`;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
