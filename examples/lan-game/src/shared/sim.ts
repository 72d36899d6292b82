/**
 * The simulation step: discs that accelerate, dash, bounce off walls and each other, and pick up coins.
 * The host runs `stepWorld` at `TICK_HZ`; a player's page runs `moveDisc` (the part of the step that
 * depends on its own input only) to predict its own disc between snapshots. One file: the step's parts
 * must change together, or host and prediction drift apart.
 */
import {
  ACCEL,
  ARENA_H,
  ARENA_W,
  AXIS_MAX,
  BIG_COIN_EVERY,
  BIG_COIN_POINTS,
  COIN_POINTS,
  COIN_R,
  coinTarget,
  DASH_COOLDOWN_TICKS,
  DASH_SPEED,
  DASH_TICKS,
  FRICTION,
  HARD_MAX_SPEED,
  PLAYER_R,
} from './constants.js';
import { snapPos, snapVel } from './quantize.js';
import { nextRandom, type RngState } from './rng.js';

/** One tick's input of one player: stick axes −127…127 and the dash button. */
export interface PlayerInput {
  readonly seq: number;
  readonly dx: number;
  readonly dy: number;
  readonly dash: boolean;
}

/** A disc's moving state (what prediction needs). */
export interface DiscMotion {
  x: number;
  y: number;
  vx: number;
  vy: number;
  /** Ticks of the current dash left (0: not dashing). */
  dashTicks: number;
  /** Ticks until the next dash is allowed. */
  cooldown: number;
}

/** A disc in the world. */
export interface Disc extends DiscMotion {
  readonly slot: number;
  score: number;
  /** Slots this disc's current dash has already stolen from (once per dash each). */
  hits: number[];
}

/** A coin on the field. */
export interface Coin {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly big: boolean;
}

/** The whole simulated world. */
export interface World {
  tick: number;
  /** By slot. */
  readonly discs: Map<number, Disc>;
  coins: Coin[];
  /** Bumped whenever `coins` changes, so the host knows when to tell the players. */
  coinsVersion: number;
  coinsSpawned: number;
  /** A round is being played: coins are on the field and dashes steal points (never in the lobby or on the scoreboard). */
  scoring: boolean;
  readonly rng: RngState;
}

/** Something that happened in a step. */
export type WorldEvent =
  | { readonly kind: 'coin'; readonly slot: number; readonly coin: number; readonly points: number }
  | { readonly kind: 'steal'; readonly from: number; readonly to: number };

/** A new, empty world. */
export function createWorld(seed: number): World {
  return {
    tick: 0,
    discs: new Map(),
    coins: [],
    coinsVersion: 0,
    coinsSpawned: 0,
    scoring: false,
    rng: { seed },
  };
}

/** A disc at rest at its slot's start place (spread on a ring around the centre). */
export function spawnDisc(slot: number, score = 0): Disc {
  const angle = (slot / 8) * Math.PI * 2;
  return {
    slot,
    x: snapPos(ARENA_W / 2 + Math.cos(angle) * 200),
    y: snapPos(ARENA_H / 2 + Math.sin(angle) * 160),
    vx: 0,
    vy: 0,
    dashTicks: 0,
    cooldown: 0,
    score,
    hits: [],
  };
}

/** Advance one disc by one input: stick, dash, friction, walls. Mutates and snaps `d` to the grid. */
export function moveDisc(d: DiscMotion, input: PlayerInput | undefined): void {
  let ux = 0;
  let uy = 0;
  if (input) {
    ux = input.dx / AXIS_MAX;
    uy = input.dy / AXIS_MAX;
    const len = Math.hypot(ux, uy);
    // The host rejects longer vectors; prediction clamps the same way so both agree.
    if (len > 1) {
      ux /= len;
      uy /= len;
    }
  }
  d.vx += ux * ACCEL;
  d.vy += uy * ACCEL;
  if (input?.dash && d.cooldown === 0) {
    const len = Math.hypot(ux, uy);
    const speed = Math.hypot(d.vx, d.vy);
    // Dash where the stick points, else where the disc is going, else to the right.
    const [nx, ny] = len > 0.2 ? [ux / len, uy / len] : speed > 0.01 ? [d.vx / speed, d.vy / speed] : [1, 0];
    d.vx += nx * DASH_SPEED;
    d.vy += ny * DASH_SPEED;
    d.dashTicks = DASH_TICKS;
    d.cooldown = DASH_COOLDOWN_TICKS;
  } else {
    if (d.dashTicks > 0) d.dashTicks--;
    if (d.cooldown > 0) d.cooldown--;
  }
  d.vx *= FRICTION;
  d.vy *= FRICTION;
  clampSpeed(d);
  d.x += d.vx;
  d.y += d.vy;
  bounceOffWalls(d);
  snap(d);
}

/** Advance the world one tick. `inputs` by slot (a missing input: the stick at rest). */
export function stepWorld(world: World, inputs: ReadonlyMap<number, PlayerInput | undefined>): WorldEvent[] {
  const events: WorldEvent[] = [];
  const discs = [...world.discs.values()].sort((a, b) => a.slot - b.slot);
  for (const d of discs) {
    moveDisc(d, inputs.get(d.slot));
    if (d.dashTicks === 0) d.hits = [];
  }
  for (let i = 0; i < discs.length; i++)
    for (let j = i + 1; j < discs.length; j++) {
      const a = discs[i];
      const b = discs[j];
      if (a && b) collide(a, b, world.scoring, events);
    }
  for (const d of discs) {
    bounceOffWalls(d);
    snap(d);
  }
  collectCoins(world, discs, events);
  fillCoins(world);
  world.tick++;
  return events;
}

function collide(a: Disc, b: Disc, scoring: boolean, events: WorldEvent[]): void {
  let nx = b.x - a.x;
  let ny = b.y - a.y;
  const dist = Math.hypot(nx, ny);
  if (dist >= PLAYER_R * 2) return;
  if (dist < 1e-6) {
    nx = 1;
    ny = 0;
  } else {
    nx /= dist;
    ny /= dist;
  }
  const push = (PLAYER_R * 2 - dist) / 2;
  a.x -= nx * push;
  a.y -= ny * push;
  b.x += nx * push;
  b.y += ny * push;
  // Equal masses, restitution 0.9: exchange most of the velocity along the normal.
  const approach = (a.vx - b.vx) * nx + (a.vy - b.vy) * ny;
  if (approach > 0) {
    const j = (approach * 1.9) / 2;
    a.vx -= j * nx;
    a.vy -= j * ny;
    b.vx += j * nx;
    b.vy += j * ny;
  }
  // A dash that lands knocks the other disc away and, during a round, steals a point from it, once per dash.
  for (const [hitter, hit, sign] of [
    [a, b, 1],
    [b, a, -1],
  ] as const) {
    if (hitter.dashTicks === 0 || hit.dashTicks > 0 || hitter.hits.includes(hit.slot)) continue;
    hitter.hits.push(hit.slot);
    hit.vx += sign * nx * 7;
    hit.vy += sign * ny * 7;
    clampSpeed(hit);
    if (scoring && hit.score > 0) {
      hit.score--;
      hitter.score++;
      events.push({ kind: 'steal', from: hit.slot, to: hitter.slot });
    }
  }
}

function collectCoins(world: World, discs: readonly Disc[], events: WorldEvent[]): void {
  if (world.coins.length === 0) return;
  const left: Coin[] = [];
  for (const coin of world.coins) {
    const r = PLAYER_R + (coin.big ? COIN_R * 1.4 : COIN_R);
    const taker = discs.find((d) => Math.hypot(d.x - coin.x, d.y - coin.y) < r);
    if (!taker) {
      left.push(coin);
      continue;
    }
    const points = coin.big ? BIG_COIN_POINTS : COIN_POINTS;
    taker.score += points;
    events.push({ kind: 'coin', slot: taker.slot, coin: coin.id, points });
  }
  if (left.length !== world.coins.length) {
    world.coins = left;
    world.coinsVersion++;
  }
}

/** Top the field up to its coin count, away from the walls and the discs. */
export function fillCoins(world: World): void {
  const target = !world.scoring || world.discs.size === 0 ? 0 : coinTarget(world.discs.size);
  while (world.coins.length < target) {
    let x = 0;
    let y = 0;
    for (let attempt = 0; attempt < 8; attempt++) {
      x = snapPos(40 + nextRandom(world.rng) * (ARENA_W - 80));
      y = snapPos(40 + nextRandom(world.rng) * (ARENA_H - 80));
      const clear = [...world.discs.values()].every((d) => Math.hypot(d.x - x, d.y - y) > PLAYER_R * 3);
      if (clear) break;
    }
    world.coinsSpawned++;
    world.coins.push({
      id: world.coinsSpawned & 0xffff,
      x,
      y,
      big: world.coinsSpawned % BIG_COIN_EVERY === 0,
    });
    world.coinsVersion++;
  }
}

function clampSpeed(d: DiscMotion): void {
  const speed = Math.hypot(d.vx, d.vy);
  if (speed > HARD_MAX_SPEED) {
    d.vx = (d.vx / speed) * HARD_MAX_SPEED;
    d.vy = (d.vy / speed) * HARD_MAX_SPEED;
  }
}

function bounceOffWalls(d: DiscMotion): void {
  if (d.x < PLAYER_R) {
    d.x = PLAYER_R;
    d.vx = Math.abs(d.vx) * 0.6;
  } else if (d.x > ARENA_W - PLAYER_R) {
    d.x = ARENA_W - PLAYER_R;
    d.vx = -Math.abs(d.vx) * 0.6;
  }
  if (d.y < PLAYER_R) {
    d.y = PLAYER_R;
    d.vy = Math.abs(d.vy) * 0.6;
  } else if (d.y > ARENA_H - PLAYER_R) {
    d.y = ARENA_H - PLAYER_R;
    d.vy = -Math.abs(d.vy) * 0.6;
  }
}

function snap(d: DiscMotion): void {
  d.x = snapPos(d.x);
  d.y = snapPos(d.y);
  d.vx = snapVel(d.vx);
  d.vy = snapVel(d.vy);
}

/** A stick vector on the wire's grid: integer axes, at most full length (longer is what the host rejects as a speed hack). */
export function clampStick(dx: number, dy: number): { dx: number; dy: number } {
  const len = Math.hypot(dx, dy);
  if (!Number.isFinite(len) || len === 0) return { dx: 0, dy: 0 };
  const k = len > AXIS_MAX ? AXIS_MAX / len : 1;
  // Truncation toward zero keeps the rounded vector inside the circle.
  return { dx: Math.trunc(dx * k) || 0, dy: Math.trunc(dy * k) || 0 };
}
