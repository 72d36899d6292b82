import { describe, expect, it } from 'vitest';
import { createPredictor } from '../src/client/prediction.js';
import { TICK_HZ } from '../src/shared/constants.js';
import { createWorld, spawnDisc, stepWorld } from '../src/shared/sim.js';
import { createGameHarness, type Stick } from './support/game-harness.js';

/** A stick that wanders: turns, stops, dashes now and then. */
const wander = (_: string, t: number): Stick =>
  t % 150 < 20
    ? { dx: 0, dy: 0, dash: false }
    : {
        dx: Math.round(Math.cos(t / 40) * 127),
        dy: Math.round(Math.sin(t / 55) * 100),
        dash: t % 200 === 60,
      };

/** A seeded random in [0, 1). */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('prediction and reconciliation', () => {
  it('on a perfect network the prediction is the host state exactly: no correction ever', () => {
    const h = createGameHarness();
    const page = h.join('ann');
    h.run(10);
    h.run(10 * TICK_HZ, wander);
    expect(page.counters.reconciliations).toBeGreaterThan(250);
    expect(page.counters.maxCorrection).toBe(0);
  });

  it('with 30 ms latency, 50 ms jitter and 5 % snapshot loss it stays close and converges when the stick rests', () => {
    const random = seeded(3);
    const h = createGameHarness({
      delayMs: () => 30 + random() * 50,
      drop: () => random() < 0.05,
    });
    const page = h.join('ann');
    h.run(10);
    const errors: number[] = [];
    for (let t = 0; t < 20 * TICK_HZ; t++) {
      h.run(1, (id) => wander(id, t));
      const host = h.host.view().snapshot.discs[0];
      const drawn = page.predictor.rendered();
      if (host && drawn) errors.push(Math.hypot(host.x - drawn.x, host.y - drawn.y));
    }
    expect(h.net.sent.dropped).toBeGreaterThan(10);
    // Rest: the last inputs arrive, snapshots acknowledge them, the prediction lands on the host's disc.
    h.run(TICK_HZ);
    const host = h.host.view().snapshot.discs[0];
    // Only the inputs of one round trip wait for acknowledgement: ≤ 80 ms there, ≤ 80 ms back, a
    // snapshot interval and the host's input buffer — at most 14 ticks.
    expect(page.predictor.pending.length).toBeLessThanOrEqual(14);
    expect(page.predictor.state).toMatchObject({ x: host?.x, y: host?.y, vx: host?.vx, vy: host?.vy });
    // The page draws its own disc ahead of the last snapshot (it is predicting), but never far from
    // where the host has it: at most a few frames of full speed.
    errors.sort((a, b) => a - b);
    const p95 = errors[Math.floor(errors.length * 0.95)] ?? Infinity;
    expect(p95).toBeLessThan(40);
  });

  it('replays the inputs the snapshot has not acknowledged yet', () => {
    const world = createWorld(1);
    world.discs.set(0, spawnDisc(0));
    const p = createPredictor();
    const disc = world.discs.get(0);
    if (!disc) throw new Error('no disc');
    p.reconcile({ ...disc, ack: 0 });
    const sent = [1, 2, 3, 4, 5].map(() => p.input({ dx: 127, dy: 30, dash: false }));
    // The host applied the first two only.
    for (const input of sent.slice(0, 2)) stepWorld(world, new Map([[0, input]]));
    const predictedBefore = { ...p.state };
    const error = p.reconcile({ ...disc, ack: 2 });
    expect(p.pending.map((i) => i.seq)).toEqual([3, 4, 5]);
    expect(error).toBe(0);
    expect(p.state).toEqual(predictedBefore);
  });
});
