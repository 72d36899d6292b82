/**
 * The authority: the one simulation of the game, in the host process. Players are admitted by the
 * room; here each gets a slot (its colour) kept by identity id, so a player who drops and comes back
 * gets its disc and score back. `tick()` runs at `TICK_HZ` (the caller owns the timer): it applies one
 * checked input per player, steps the world, moves the phases on and sends a snapshot every second tick.
 * One file because players, phases and the world are one piece of state every handler here reads.
 */
import { decodeClientMessage } from '../shared/codec-client.js';
import { encodeHostMessage } from '../shared/codec-host.js';
import { COUNTDOWN_S, MAX_PLAYERS, SNAPSHOT_EVERY, TICK_HZ } from '../shared/constants.js';
import type { GameRoom, GameRoomMember, GameRoomMessage } from '../shared/game-room.js';
import type { HostMessage, Phase, RosterMessage, SnapshotMessage } from '../shared/messages.js';
import { createWorld, type PlayerInput, spawnDisc, stepWorld, type World } from '../shared/sim.js';
import { encodeSnapshotJson } from '../shared/snapshot-json.js';
import {
  admitInputs,
  createInputQueue,
  type InputQueue,
  nextInput,
  type RejectReason,
} from './input-gate.js';
import type { TickLoopStats } from './tick-loop.js';

/** Options of `createGameHost`. */
export interface GameHostInit {
  readonly room: GameRoom;
  /** Length of a round's play, seconds. */
  readonly roundSeconds: number;
  /** Seed of the coin places (default: random). */
  readonly seed?: number;
  /** Wall clock for the snapshots' `sentAt`, ms since the epoch (default: `performance`'s, with fractions). */
  readonly now?: () => number;
  /** Monotonic clock for the input rate limit, ms (default `performance.now`). */
  readonly clock?: () => number;
  /** The tick loop's counters, for `status` (the caller owns the loop). */
  readonly loopStats?: () => TickLoopStats | undefined;
}

/** A player as the host keeps it. */
export interface PlayerRecord {
  readonly id: string;
  name: string;
  readonly slot: number;
  connected: boolean;
  score: number;
  inputs: InputQueue;
}

/** What happened, for the terminal. */
export type GameHostEvent =
  | { readonly kind: 'joined' | 'rejoined' | 'left'; readonly player: PlayerRecord }
  | { readonly kind: 'round-start'; readonly round: number }
  | { readonly kind: 'round-end'; readonly round: number; readonly ranking: readonly PlayerRecord[] }
  | { readonly kind: 'rejected'; readonly reason: RejectReason; readonly from: string };

/** Counters for `status` and the local API. */
export interface GameHostStatus {
  readonly phase: Phase;
  readonly round: number;
  readonly tick: number;
  readonly secondsLeft: number;
  readonly players: readonly {
    slot: number;
    id: string;
    name: string;
    connected: boolean;
    score: number;
    rttMs: number | undefined;
  }[];
  /** Refused inputs and messages by reason. */
  readonly rejected: Readonly<Record<RejectReason, number>>;
  readonly snapshots: { readonly sent: number; readonly bytes: number; readonly jsonBytes: number };
  /** Sends the room refused (a player's buffer full, a message too large). */
  readonly sendErrors: number;
  /** Good inputs dropped unapplied because this host fell too far behind (a starved CPU). */
  readonly overflowedInputs: number;
  /** How well the tick loop held its rate (absent when the caller steps `tick` itself). */
  readonly loop?: TickLoopStats;
}

/** The running authority. */
export interface GameHost {
  /** Advance one tick. */
  tick(): void;
  /** Start a round (from the lobby or a finished round); false when no player is connected. */
  start(): boolean;
  status(): GameHostStatus;
  /** The latest snapshot, coins and roster (the host screen's spectator view). */
  view(): { snapshot: SnapshotMessage; roster: RosterMessage; coins: World['coins'] };
  onEvent(listener: (event: GameHostEvent) => void): () => void;
  /** Tell every player the game is over (`text` is shown to them) and stop listening to the room. */
  close(text: string): void;
}

/** Make the authority for `room`. */
export function createGameHost(init: GameHostInit): GameHost {
  const { room } = init;
  const now = init.now ?? (() => performance.timeOrigin + performance.now());
  const clock = init.clock ?? (() => performance.now());
  const world = createWorld(init.seed ?? Math.floor(Math.random() * 2 ** 31));
  const players = new Map<string, PlayerRecord>();
  const listeners = new Set<(event: GameHostEvent) => void>();
  const rejected = Object.fromEntries(
    (
      [
        'malformed',
        'unknown-sender',
        'spoofed-slot',
        'other-player',
        'speed',
        'replay',
        'seq-jump',
        'flood',
      ] as const
    ).map((r) => [r, 0]),
  ) as Record<RejectReason, number>;
  const snapshots = { sent: 0, bytes: 0, jsonBytes: 0 };
  let phase: Phase = 'lobby';
  let round = 0;
  let phaseEndsTick = 0;
  let coinsSent = -1;
  let lastSnapshot: SnapshotMessage = { type: 'snapshot', tick: 0, sentAt: now(), discs: [] };
  const emit = (event: GameHostEvent) => {
    for (const l of listeners) l(event);
  };
  let sendErrors = 0;
  const send = (m: HostMessage, to?: string) => {
    const bytes = encodeHostMessage(m);
    // A player whose reliable buffer is full (a stalled page) is the room's to drop; the game goes on.
    try {
      if (to === undefined) room.broadcast(bytes, 'reliable');
      else room.send(to, bytes, 'reliable');
    } catch {
      sendErrors++;
    }
  };
  const bySlot = (slot: number) => [...players.values()].find((p) => p.slot === slot);
  const roster = (): RosterMessage => ({
    type: 'roster',
    phase,
    round,
    tick: world.tick,
    phaseEndsTick,
    players: [...players.values()]
      .sort((a, b) => a.slot - b.slot)
      .map((p) => ({ slot: p.slot, id: p.id, name: p.name, connected: p.connected, score: scoreOf(p) })),
  });
  const scoreOf = (p: PlayerRecord) => world.discs.get(p.slot)?.score ?? p.score;
  const coinsMessage = (): HostMessage => ({
    type: 'coins',
    version: world.coinsVersion,
    coins: world.coins,
  });
  const reject = (reason: RejectReason, from: string) => {
    rejected[reason]++;
    emit({ kind: 'rejected', reason, from });
  };

  const join = (member: GameRoomMember) => {
    if (member.role !== 'player') return;
    let p = players.get(member.id);
    const back = p !== undefined;
    if (!p) {
      const slot = freeSlot();
      if (slot === undefined) return; // the room's own limit (8) keeps this from happening
      p = {
        id: member.id,
        name: member.name,
        slot,
        connected: true,
        score: 0,
        inputs: createInputQueue(clock()),
      };
      players.set(member.id, p);
    }
    p.name = member.name;
    p.connected = true;
    p.inputs = createInputQueue(clock());
    world.discs.set(p.slot, spawnDisc(p.slot, p.score));
    emit({ kind: back ? 'rejoined' : 'joined', player: p });
    send(roster());
    send(coinsMessage(), member.id);
  };
  const freeSlot = (): number | undefined => {
    const taken = new Set([...players.values()].map((p) => p.slot));
    for (let s = 0; s < MAX_PLAYERS; s++) if (!taken.has(s)) return s;
    // Every slot is held: the longest-gone disconnected player gives its slot up.
    const gone = [...players.values()].find((p) => !p.connected);
    if (!gone) return undefined;
    players.delete(gone.id);
    return gone.slot;
  };
  const leave = (member: GameRoomMember) => {
    const p = players.get(member.id);
    if (!p?.connected) return;
    p.score = scoreOf(p);
    p.connected = false;
    world.discs.delete(p.slot);
    emit({ kind: 'left', player: p });
    send(roster());
  };
  const message = (m: GameRoomMessage) => {
    const p = players.get(m.from);
    if (!p?.connected) return reject('unknown-sender', m.from);
    let decoded: ReturnType<typeof decodeClientMessage>;
    try {
      decoded = decodeClientMessage(m.data);
    } catch {
      return reject('malformed', m.from);
    }
    const taken = (slot: number) => bySlot(slot) !== undefined;
    for (const reason of admitInputs(p.inputs, decoded, p.slot, taken, clock())) reject(reason, m.from);
  };

  const setPhase = (next: Phase, seconds: number) => {
    phase = next;
    phaseEndsTick = seconds > 0 ? world.tick + Math.round(seconds * TICK_HZ) : 0;
    send(roster());
  };
  const endRound = () => {
    world.scoring = false;
    world.coins = [];
    world.coinsVersion++;
    for (const p of players.values()) p.score = scoreOf(p);
    setPhase('ended', 0);
    const ranking = [...players.values()].sort((a, b) => b.score - a.score);
    emit({ kind: 'round-end', round, ranking });
  };

  const unsubscribe = [room.onJoin(join), room.onLeave((member) => leave(member)), room.onMessage(message)];
  for (const member of room.members()) join(member);

  return {
    tick() {
      const inputs = new Map<number, PlayerInput | undefined>();
      for (const p of players.values()) {
        if (!p.connected) continue;
        const input = nextInput(p.inputs);
        // During the countdown the discs wait on their marks (inputs are still consumed and acknowledged).
        inputs.set(p.slot, phase === 'countdown' ? undefined : input);
      }
      for (const event of stepWorld(world, inputs)) {
        if (event.kind === 'coin')
          send({ type: 'score', reason: 'coin', slot: event.slot, from: event.slot, points: event.points });
        else send({ type: 'score', reason: 'steal', slot: event.to, from: event.from, points: 1 });
      }
      if (phaseEndsTick !== 0 && world.tick >= phaseEndsTick) {
        if (phase === 'countdown') {
          world.scoring = true;
          setPhase('playing', init.roundSeconds);
        } else if (phase === 'playing') endRound();
      }
      if (world.coinsVersion !== coinsSent) {
        coinsSent = world.coinsVersion;
        send(coinsMessage());
      }
      if (world.tick % SNAPSHOT_EVERY === 0) {
        lastSnapshot = {
          type: 'snapshot',
          tick: world.tick,
          sentAt: now(),
          discs: [...world.discs.values()]
            .sort((a, b) => a.slot - b.slot)
            .map((d) => ({
              slot: d.slot,
              x: d.x,
              y: d.y,
              vx: d.vx,
              vy: d.vy,
              dashTicks: d.dashTicks,
              cooldown: d.cooldown,
              score: d.score,
              ack: bySlot(d.slot)?.inputs.ack ?? 0,
            })),
        };
        const bytes = encodeHostMessage(lastSnapshot);
        try {
          room.broadcast(bytes, 'unreliable');
        } catch {
          sendErrors++;
        }
        snapshots.sent++;
        snapshots.bytes += bytes.length;
        snapshots.jsonBytes += encodeSnapshotJson(lastSnapshot).length;
      }
      if (world.tick % TICK_HZ === 0) {
        const pings = [...players.values()]
          .filter((p) => p.connected)
          .map((p) => ({ slot: p.slot, rttMs: room.rtt(p.id) ?? 0xffff }));
        send({ type: 'pings', pings });
      }
    },
    start() {
      if (![...players.values()].some((p) => p.connected)) return false;
      for (const p of [...players.values()]) {
        if (!p.connected) {
          players.delete(p.id);
          continue;
        }
        p.score = 0;
        world.discs.set(p.slot, spawnDisc(p.slot, 0));
      }
      world.coins = [];
      world.coinsVersion++;
      world.scoring = false;
      round++;
      setPhase('countdown', COUNTDOWN_S);
      emit({ kind: 'round-start', round });
      return true;
    },
    status() {
      const loop = init.loopStats?.();
      return {
        phase,
        round,
        tick: world.tick,
        secondsLeft: phaseEndsTick === 0 ? 0 : Math.max(0, Math.ceil((phaseEndsTick - world.tick) / TICK_HZ)),
        players: [...players.values()]
          .sort((a, b) => a.slot - b.slot)
          .map((p) => ({
            slot: p.slot,
            id: p.id,
            name: p.name,
            connected: p.connected,
            score: scoreOf(p),
            rttMs: p.connected ? room.rtt(p.id) : undefined,
          })),
        rejected: { ...rejected },
        snapshots: { ...snapshots },
        sendErrors,
        overflowedInputs: [...players.values()].reduce((n, p) => n + p.inputs.overflowed, 0),
        ...(loop ? { loop } : {}),
      };
    },
    view: () => ({ snapshot: lastSnapshot, roster: roster(), coins: world.coins }),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close(text) {
      for (const u of unsubscribe) u();
      send({ type: 'bye', text });
    },
  };
}
