import { describe, expect, it } from 'vitest';
import { createLatencySamples, percentile } from '../src/client/latency-samples.js';
import { createGameHarness } from './support/game-harness.js';

describe('snapshot latency samples', () => {
  it('keeps the last `capacity` samples in order and gives those after a count', () => {
    const l = createLatencySamples(4);
    expect(l.recent()).toEqual([]);
    for (const x of [1, 2, 3]) l.add(x);
    expect(l.recent()).toEqual([1, 2, 3]);
    expect(l.recent(1)).toEqual([2, 3]);
    for (const x of [4, 5, 6]) l.add(x);
    expect(l.count).toBe(6);
    expect(l.recent()).toEqual([3, 4, 5, 6]);
    expect(l.recent(4)).toEqual([5, 6]);
    // Asked for more than is kept: what is kept.
    expect(l.recent(0)).toEqual([3, 4, 5, 6]);
    expect(l.recent(6)).toEqual([]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => createLatencySamples(0)).toThrow(RangeError);
    expect(() => createLatencySamples(1.5)).toThrow(RangeError);
  });

  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100…1, unsorted
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.99)).toBe(99);
    expect(percentile(xs, 1)).toBe(100);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([3, 1, 2], 0.5)).toBe(2);
    expect(percentile([], 0.5)).toBeNaN();
    // The input is not reordered.
    expect(xs[0]).toBe(100);
  });

  it("a page records one latency per applied snapshot, from the host's sentAt", () => {
    const h = createGameHarness({ delayMs: () => 7 });
    const page = h.join('ann');
    h.run(60);
    const got = page.latencies.recent();
    expect(got.length).toBe(page.latencies.count);
    expect(got.length).toBeGreaterThan(20);
    for (const ms of got) expect(ms).toBeCloseTo(7, 6);
  });
});
