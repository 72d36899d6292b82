/**
 * `globalThis.lanGame`: what end-to-end tests read (the page's own view of the game) and a way to
 * steer without a keyboard. `state()` is a plain JSON-able summary.
 */
import { COLOURS } from '../shared/constants.js';
import type { NetworkSimulation, NetworkSimulationStats } from './network-sim.js';
import type { SessionState } from './session.js';

/** The page's state the hooks read (main.ts owns it). */
export interface PageState {
  screen: 'message' | 'name' | 'game';
  session: SessionState | undefined;
  /** Times the page joined again after a drop. */
  rejoins: number;
  /** The last error's name. */
  error: string | undefined;
  simulation: (NetworkSimulation & { stats: NetworkSimulationStats }) | undefined;
  stickOverride: { dx: number; dy: number } | undefined;
  dashOverride: boolean;
}

/** What `lanGame.state()` returns. */
export interface LanGameState {
  screen: PageState['screen'];
  session: SessionState['kind'] | 'none';
  /** The message of the "game over" screen (host left, refused). */
  overMessage: string | undefined;
  phase: string | undefined;
  round: number;
  secondsLeft: number;
  myId: string | undefined;
  mySlot: number | undefined;
  members: {
    id: string;
    name: string;
    slot: number;
    colour: string;
    connected: boolean;
    score: number;
    pingMs: number | undefined;
  }[];
  /** Discs where this page draws them (own: predicted; others: interpolated). */
  discs: { slot: number; name: string; x: number; y: number; score: number; self: boolean }[];
  /** Coins on the field. */
  coins: { x: number; y: number; big: boolean }[];
  lastSnapshotTick: number;
  /** Round trip to the host, ms (the room's heartbeat). */
  hostRttMs: number | undefined;
  counters: Record<string, number>;
  rejoins: number;
  error: string | undefined;
}

/** Install `globalThis.lanGame`. */
export function installTestHooks(page: PageState): void {
  const state = (): LanGameState => {
    const s = page.session;
    const playing = s?.kind === 'playing' ? s : undefined;
    const c = playing?.client;
    return {
      screen: page.screen,
      session: s?.kind ?? 'none',
      overMessage: s?.kind === 'over' ? s.message : undefined,
      phase: c?.phase,
      round: c?.round ?? 0,
      secondsLeft: c?.secondsLeft() ?? 0,
      myId: playing?.room.self.id,
      mySlot: c?.slot,
      members: (c?.roster ?? []).map((p) => ({
        id: p.id,
        name: p.name,
        slot: p.slot,
        colour: COLOURS[p.slot] ?? '',
        connected: p.connected,
        score: c?.scores.get(p.slot) ?? p.score,
        pingMs: c?.pings.get(p.slot),
      })),
      discs: (c?.view() ?? []).map((d) => ({
        slot: d.slot,
        name: d.name,
        x: d.x,
        y: d.y,
        score: d.score,
        self: d.self,
      })),
      coins: (c?.coins ?? []).map(({ x, y, big }) => ({ x, y, big })),
      lastSnapshotTick: c?.lastSnapshotTick ?? -1,
      hostRttMs: playing?.room.rtt(playing.room.host.id),
      counters: {
        ...(c?.counters ?? {}),
        ...(page.simulation
          ? { simDelayed: page.simulation.stats.delayed, simDropped: page.simulation.stats.dropped }
          : {}),
      },
      rejoins: page.rejoins,
      error: page.error,
    };
  };
  Object.assign(globalThis, {
    lanGame: {
      state,
      /** Hold the stick at (dx, dy), −127…127 each; `undefined` gives the controls back. */
      setStick(stick: { dx: number; dy: number } | undefined) {
        page.stickOverride = stick;
      },
      /** Snapshot latencies (host send → apply, ms) kept by the page: those after the first `since` ever applied. */
      latencies(since = 0): { count: number; samples: number[] } {
        const s = page.session;
        const l = s?.kind === 'playing' ? s.client.latencies : undefined;
        return { count: l?.count ?? 0, samples: l?.recent(since) ?? [] };
      },
      /** Press dash once. */
      dash() {
        page.dashOverride = true;
      },
      /**
       * Send raw bytes to the host as this page (tests of the host's input checks from a real
       * browser); false when not in a room.
       */
      sendRaw(bytes: readonly number[], delivery: 'reliable' | 'unreliable' = 'reliable'): boolean {
        const s = page.session;
        if (s?.kind !== 'playing') return false;
        return s.room.send(s.room.host.id, Uint8Array.from(bytes), delivery);
      },
    },
  });
}
