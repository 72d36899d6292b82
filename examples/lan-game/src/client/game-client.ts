/**
 * The page's side of the game, without the DOM: reads the host's messages, predicts the player's own
 * disc, interpolates the others, sends one numbered input per tick, and keeps what the screen and the
 * test hooks show. The page owns the clock: it calls `step` at `TICK_HZ` and `view` once per frame.
 */
import { encodeInput } from '../shared/codec-client.js';
import { decodeHostMessage } from '../shared/codec-host.js';
import { COLOURS, TICK_HZ } from '../shared/constants.js';
import type { GameRoom, GameRoomMessage } from '../shared/game-room.js';
import type { CoinsMessage, HostMessage, Phase, RosterEntry, ScoreMessage } from '../shared/messages.js';
import { clampStick } from '../shared/sim.js';
import { createInterpolator, type Interpolator } from './interpolation.js';
import { createLatencySamples, type LatencySamples } from './latency-samples.js';
import { createPredictor, type Predictor, SNAP_DISTANCE } from './prediction.js';

/** Options of `createGameClient`. */
export interface GameClientInit {
  readonly room: GameRoom;
  /** The host's identity id: messages from anyone else are ignored. */
  readonly hostId: string;
  /** Page clock, ms (default `performance.now`). */
  readonly now?: () => number;
  /** Wall clock, ms since the epoch, for the snapshot latency (default `performance`'s). */
  readonly wallClock?: () => number;
  /** Interpolation delay (default 100 ms). */
  readonly interpolationMs?: number;
}

/** A disc as drawn. */
export interface DrawnDisc {
  readonly slot: number;
  readonly name: string;
  readonly colour: string;
  readonly x: number;
  readonly y: number;
  readonly score: number;
  readonly dashing: boolean;
  readonly self: boolean;
}

/** Counters for the screen and the tests. */
export interface GameClientCounters {
  /** Snapshots received, and those applied (newer than any before: the latency sum is over these). */
  snapshots: number;
  appliedSnapshots: number;
  /** Snapshots older than one already applied (they overtook each other on the unreliable channel). */
  staleSnapshots: number;
  malformed: number;
  inputsSent: number;
  /** Corrections of the prediction and the largest one (world units), teleports (respawns) apart. */
  reconciliations: number;
  maxCorrection: number;
  teleports: number;
  /** Host send → page apply of the last snapshot, ms, and the sum for an average. */
  lastLatencyMs: number;
  latencySumMs: number;
  /** Frames drawn with other discs, and those whose interpolation buffer had run dry (see interpolation.ts). */
  framesDrawn: number;
  framesStarved: number;
  /**
   * Snapshots that arrived more than the interpolation delay after the one before although the host
   * sent them on time (≤ 50 ms apart): gaps the network (or this page) made, not a stalled host.
   */
  lateGaps: number;
  /** Snapshots the host itself sent more than the interpolation delay after the one before (a busy host). */
  hostGaps: number;
}

/** The page's game state. */
export interface GameClient {
  readonly phase: Phase;
  readonly round: number;
  readonly roster: readonly RosterEntry[];
  /** This player's slot (undefined until the roster has it). */
  readonly slot: number | undefined;
  readonly coins: CoinsMessage['coins'];
  /** Latest scores by slot (snapshots, then rosters: whichever came last). */
  readonly scores: ReadonlyMap<number, number>;
  /** Host-measured round trips by slot (ms). */
  readonly pings: ReadonlyMap<number, number>;
  /** Seconds left in the countdown or round (0 when neither runs). */
  secondsLeft(): number;
  readonly lastSnapshotTick: number;
  readonly counters: Readonly<GameClientCounters>;
  /** The recent snapshot latencies (host send → apply, ms), for the benchmark's percentiles. */
  readonly latencies: Pick<LatencySamples, 'count' | 'recent'>;
  /** The host's goodbye text, once it said goodbye. */
  readonly bye: string | undefined;
  readonly predictor: Predictor;
  /** One tick of this player's input (axes −127…127; a longer vector is shortened to full length). */
  step(stick: { dx: number; dy: number; dash: boolean }): void;
  /** Every disc where it is drawn now. */
  view(): DrawnDisc[];
  /** Scoring events as they come (for a "+1"). */
  onScore(listener: (event: ScoreMessage) => void): () => void;
  /** Any message from the host (the screen redraws lobby and scoreboard on it). */
  onChange(listener: () => void): () => void;
  close(): void;
}

/** Start the page's game logic on `room`. */
export function createGameClient(init: GameClientInit): GameClient {
  const { room, hostId } = init;
  const now = init.now ?? (() => performance.now());
  const wallClock = init.wallClock ?? (() => performance.timeOrigin + performance.now());
  const interpolationMs = init.interpolationMs ?? 100;
  const interpolator: Interpolator = createInterpolator(interpolationMs);
  const predictor = createPredictor();
  const counters: GameClientCounters = {
    snapshots: 0,
    appliedSnapshots: 0,
    staleSnapshots: 0,
    malformed: 0,
    inputsSent: 0,
    reconciliations: 0,
    maxCorrection: 0,
    teleports: 0,
    lastLatencyMs: 0,
    latencySumMs: 0,
    framesDrawn: 0,
    framesStarved: 0,
    lateGaps: 0,
    hostGaps: 0,
  };
  const latencies = createLatencySamples();
  let previous: { arrival: number; sentAt: number } | undefined;
  const scoreListeners = new Set<(event: ScoreMessage) => void>();
  const changeListeners = new Set<() => void>();
  const pings = new Map<number, number>();
  const scores = new Map<number, number>();
  let phase: Phase = 'lobby';
  let round = 0;
  let roster: readonly RosterEntry[] = [];
  let slot: number | undefined;
  let coins: CoinsMessage['coins'] = [];
  let lastSnapshotTick = -1;
  let hostTickAt: { tick: number; at: number } | undefined;
  let phaseEndsTick = 0;
  let bye: string | undefined;

  const apply = (m: HostMessage) => {
    switch (m.type) {
      case 'roster': {
        phase = m.phase;
        round = m.round;
        roster = m.players;
        phaseEndsTick = m.phaseEndsTick;
        hostTickAt = { tick: m.tick, at: now() };
        const mine = m.players.find((p) => p.id === room.self.id);
        if (mine?.slot !== slot) predictor.reset();
        slot = mine?.slot;
        for (const p of m.players) scores.set(p.slot, p.score);
        break;
      }
      case 'coins':
        coins = m.coins;
        break;
      case 'pings':
        pings.clear();
        for (const p of m.pings) if (p.rttMs !== 0xffff) pings.set(p.slot, p.rttMs);
        break;
      case 'score':
        for (const l of scoreListeners) l(m);
        break;
      case 'bye':
        bye = m.text;
        break;
      case 'snapshot': {
        counters.snapshots++;
        const arrival = now();
        interpolator.push(m.tick, m.discs, arrival);
        if (m.tick <= lastSnapshotTick) {
          counters.staleSnapshots++;
          return;
        }
        lastSnapshotTick = m.tick;
        counters.appliedSnapshots++;
        hostTickAt = { tick: m.tick, at: arrival };
        if (previous) {
          const sentGap = m.sentAt - previous.sentAt;
          if (sentGap > interpolationMs) counters.hostGaps++;
          else if (sentGap <= 50 && arrival - previous.arrival > interpolationMs) counters.lateGaps++;
        }
        previous = { arrival, sentAt: m.sentAt };
        for (const d of m.discs) scores.set(d.slot, d.score);
        const own = slot === undefined ? undefined : m.discs.find((d) => d.slot === slot);
        if (own) {
          const error = predictor.reconcile(own);
          counters.reconciliations++;
          // A jump past the snap distance is the host moving the disc (a round's start), not a misprediction.
          if (error > SNAP_DISTANCE) counters.teleports++;
          else counters.maxCorrection = Math.max(counters.maxCorrection, error);
        } else predictor.reset();
        counters.lastLatencyMs = wallClock() - m.sentAt;
        counters.latencySumMs += counters.lastLatencyMs;
        latencies.add(counters.lastLatencyMs);
        return; // snapshots do not redraw the lobby
      }
    }
    for (const l of changeListeners) l();
  };
  const off = room.onMessage((message: GameRoomMessage) => {
    if (message.from !== hostId) return;
    let m: HostMessage;
    try {
      m = decodeHostMessage(message.data);
    } catch {
      counters.malformed++;
      return;
    }
    apply(m);
  });

  return {
    get phase() {
      return phase;
    },
    get round() {
      return round;
    },
    get roster() {
      return roster;
    },
    get slot() {
      return slot;
    },
    get coins() {
      return coins;
    },
    pings,
    scores,
    secondsLeft() {
      if (!hostTickAt || phaseEndsTick === 0) return 0;
      const tickNow = hostTickAt.tick + ((now() - hostTickAt.at) * TICK_HZ) / 1000;
      return Math.max(0, Math.ceil((phaseEndsTick - tickNow) / TICK_HZ));
    },
    get lastSnapshotTick() {
      return lastSnapshotTick;
    },
    counters,
    latencies,
    get bye() {
      return bye;
    },
    predictor,
    step(stick) {
      predictor.decay();
      // On their marks during the countdown: the host ignores inputs then, so the page predicts none.
      if (slot === undefined || phase === 'countdown' || bye !== undefined) return;
      const input = predictor.input({ ...clampStick(stick.dx, stick.dy), dash: stick.dash });
      room.send(hostId, encodeInput({ slot, inputs: [input] }), 'reliable');
      counters.inputsSent++;
    },
    view() {
      const poses = interpolator.sample(now());
      counters.framesDrawn = interpolator.stats.samples;
      counters.framesStarved = interpolator.stats.starved;
      const out: DrawnDisc[] = [];
      for (const p of roster) {
        if (!p.connected) continue;
        const self = p.slot === slot;
        const pose = self ? predictor.rendered() : poses.get(p.slot);
        if (!pose) continue;
        out.push({
          slot: p.slot,
          name: p.name,
          colour: COLOURS[p.slot] ?? '#fff',
          x: pose.x,
          y: pose.y,
          score: scores.get(p.slot) ?? p.score,
          dashing: self ? (predictor.state?.dashTicks ?? 0) > 0 : (poses.get(p.slot)?.dashing ?? false),
          self,
        });
      }
      return out;
    },
    onScore(listener) {
      scoreListeners.add(listener);
      return () => scoreListeners.delete(listener);
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    close() {
      off();
      scoreListeners.clear();
      changeListeners.clear();
    },
  };
}
