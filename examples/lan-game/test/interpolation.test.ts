import { describe, expect, it } from 'vitest';
import { createInterpolator } from '../src/client/interpolation.js';
import { withNetworkSimulation } from '../src/client/network-sim.js';
import { TICK_MS } from '../src/shared/constants.js';
import type { GameRoomMessage } from '../src/shared/game-room.js';
import { createMemoryNetwork } from './support/memory-room.js';

const disc = (x: number) => [{ slot: 3, x, y: 100, dashTicks: 0 }];

describe('interpolation', () => {
  it('draws 100 ms behind the host clock, between the two snapshots around that moment', () => {
    const i = createInterpolator(100);
    // Snapshots every 2 ticks, x = tick, arriving 20 ms after they were made.
    for (let tick = 0; tick <= 40; tick += 2) i.push(tick, disc(tick), tick * TICK_MS + 20);
    const now = 40 * TICK_MS + 20;
    expect(i.renderTick(now)).toBeCloseTo(40 - 100 / TICK_MS, 6);
    expect(i.sample(now).get(3)?.x).toBeCloseTo(34, 6);
    expect(i.sample(now + TICK_MS / 2).get(3)?.x).toBeCloseTo(34.5, 6);
  });

  it('is not thrown by jitter or lost and reordered snapshots', () => {
    const i = createInterpolator(100);
    let seed = 9;
    const random = () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const arrivals: [number, number][] = [];
    for (let tick = 0; tick <= 600; tick += 2)
      if (random() > 0.05) arrivals.push([tick, tick * TICK_MS + random() * 50]);
    arrivals.sort((a, b) => a[1] - b[1]); // delivered in arrival order: some overtake others
    let last: number | undefined;
    let maxStep = 0;
    for (const [tick, at] of arrivals) {
      i.push(tick, disc(tick), at);
      const x = i.sample(at).get(3)?.x ?? 0;
      // The disc moves one unit per tick: drawn positions never go back and never jump far.
      if (last !== undefined) {
        expect(x).toBeGreaterThanOrEqual(last);
        maxStep = Math.max(maxStep, x - last);
      }
      last = x;
    }
    expect(last).toBeGreaterThan(580 - 100 / TICK_MS);
    expect(maxStep).toBeGreaterThan(0);
    expect(maxStep).toBeLessThan(12);
  });
});

describe('the jitter debug option', () => {
  it('delays received messages up to the jitter, keeps reliable ones in order, drops the given share of unreliable ones', async () => {
    const net = createMemoryNetwork();
    const page = net.join('ann', 'ann');
    const stats = { delayed: 0, dropped: 0 };
    let r = 0;
    const random = () => {
      r = (r * 7 + 3) % 101;
      return r / 101;
    };
    const slow = withNetworkSimulation(page, { jitterMs: 30, lossPercent: 20, random }, stats);
    const got: GameRoomMessage[] = [];
    slow.onMessage((m) => got.push(m));
    for (let k = 0; k < 50; k++) {
      net.host.send('ann', Uint8Array.of(k), 'reliable');
      net.host.send('ann', Uint8Array.of(k), 'unreliable');
    }
    net.advance(1);
    expect(got.length).toBeLessThan(10); // held back, not delivered at once
    await new Promise((resolve) => setTimeout(resolve, 120));
    const reliable = got.filter((m) => m.delivery === 'reliable').map((m) => m.data[0]);
    expect(reliable).toEqual(Array.from({ length: 50 }, (_, k) => k));
    const unreliable = got.filter((m) => m.delivery === 'unreliable').length;
    expect(stats.dropped).toBe(50 - unreliable);
    expect(stats.dropped).toBeGreaterThan(3);
    expect(stats.dropped).toBeLessThan(20);
  });
});
