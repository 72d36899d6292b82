import { describe, expect, it } from 'vitest';
import {
  ARENA_W,
  coinTarget,
  DASH_COOLDOWN_TICKS,
  HARD_MAX_SPEED,
  PLAYER_R,
} from '../src/shared/constants.js';
import {
  createWorld,
  type Disc,
  moveDisc,
  type PlayerInput,
  spawnDisc,
  stepWorld,
  type World,
  type WorldEvent,
} from '../src/shared/sim.js';

const input = (seq: number, dx: number, dy: number, dash = false): PlayerInput => ({ seq, dx, dy, dash });

function worldWith(...discs: Disc[]): World {
  const w = createWorld(42);
  for (const d of discs) w.discs.set(d.slot, d);
  return w;
}

/** A deterministic pseudo-random stick for player `slot` at tick `t`. */
const stick = (slot: number, t: number): PlayerInput =>
  input(
    t + 1,
    Math.round(Math.sin(t / 17 + slot) * 127),
    Math.round(Math.cos(t / 23 + slot * 2) * 90),
    t % 97 === slot,
  );

describe('simulation', () => {
  it('is deterministic: the same seed and inputs give the same world, bit for bit', () => {
    const run = () => {
      const w = createWorld(7);
      w.scoring = true;
      for (let s = 0; s < 4; s++) w.discs.set(s, spawnDisc(s));
      const events = [];
      for (let t = 0; t < 600; t++)
        events.push(...stepWorld(w, new Map([0, 1, 2, 3].map((s) => [s, stick(s, t)]))));
      return { discs: [...w.discs.values()], coins: w.coins, events };
    };
    const a = run();
    expect(run()).toEqual(a);
    // Something happened: coins were taken (else the equality above would be trivial).
    expect(a.events.filter((e) => e.kind === 'coin').length).toBeGreaterThan(0);
  });

  it('keeps discs in the arena and under the hard speed limit', () => {
    const d = spawnDisc(0);
    for (let t = 0; t < 300; t++) moveDisc(d, input(t, 127, 0, true));
    expect(d.x).toBe(ARENA_W - PLAYER_R);
    expect(Math.hypot(d.vx, d.vy)).toBeLessThanOrEqual(HARD_MAX_SPEED);
  });

  it('dashes once per cooldown', () => {
    const d = spawnDisc(0);
    moveDisc(d, input(1, 127, 0, true));
    expect(d.dashTicks).toBeGreaterThan(0);
    const fast = d.vx;
    moveDisc(d, input(2, 127, 0, true)); // held: no second dash
    expect(d.vx).toBeLessThan(fast);
    expect(d.cooldown).toBe(DASH_COOLDOWN_TICKS - 1);
  });

  it('pushes overlapping discs apart and exchanges their velocities along the line between them', () => {
    const a = { ...spawnDisc(0), x: 400, y: 300, vx: 3, vy: 0 };
    const b = { ...spawnDisc(1), x: 425, y: 300, vx: -3, vy: 0 };
    const w = worldWith(a, b);
    stepWorld(w, new Map());
    expect(b.x - a.x).toBeGreaterThanOrEqual(PLAYER_R * 2 - 0.1);
    expect(a.vx).toBeLessThan(0);
    expect(b.vx).toBeGreaterThan(0);
  });

  it('a landed dash knocks the other disc away and steals one point, once per dash', () => {
    const a = { ...spawnDisc(0), x: 400, y: 300 };
    const b = { ...spawnDisc(1), x: 440, y: 300, score: 5 };
    const w = worldWith(a, b);
    w.scoring = true;
    const events: WorldEvent[] = [];
    for (let t = 0; t < 10; t++) events.push(...stepWorld(w, new Map([[0, input(t + 1, 127, 0, t === 0)]])));
    expect(events.filter((e) => e.kind === 'steal')).toEqual([{ kind: 'steal', from: 1, to: 0 }]);
    // Coins are on the field during a round: count any a disc took apart from the steal.
    const coins = (slot: number) =>
      events.reduce((n, e) => n + (e.kind === 'coin' && e.slot === slot ? e.points : 0), 0);
    expect([a.score - coins(0), b.score - coins(1)]).toEqual([1, 4]);
    expect(b.vx).toBeGreaterThan(3);
  });

  it('a dash steals nothing outside a round (the scoreboard stays as it ended)', () => {
    const a = { ...spawnDisc(0), x: 400, y: 300 };
    const b = { ...spawnDisc(1), x: 440, y: 300, score: 5 };
    const w = worldWith(a, b);
    const events: WorldEvent[] = [];
    for (let t = 0; t < 10; t++) events.push(...stepWorld(w, new Map([[0, input(t + 1, 127, 0, t === 0)]])));
    expect(events).toEqual([]);
    expect([a.score, b.score]).toEqual([0, 5]);
    expect(b.vx).toBeGreaterThan(3); // still knocked away
  });

  it('a disc touching a coin scores its points and the field is topped up', () => {
    const a = { ...spawnDisc(0), x: 200, y: 200 };
    const w = worldWith(a);
    w.scoring = true;
    w.coins = [{ id: 99, x: 210, y: 200, big: false }];
    const events = stepWorld(w, new Map());
    expect(events).toEqual([{ kind: 'coin', slot: 0, coin: 99, points: 1 }]);
    expect(a.score).toBe(1);
    expect(w.coins.map((c) => c.id)).not.toContain(99);
    expect(w.coins.length).toBe(coinTarget(1));
  });

  it('no coins while coins are off (lobby, countdown, scoreboard)', () => {
    const w = worldWith(spawnDisc(0), spawnDisc(1));
    stepWorld(w, new Map());
    expect(w.coins).toEqual([]);
  });
});
