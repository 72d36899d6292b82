/**
 * The most recent snapshot latencies (host send → page apply, ms) in a fixed ring, so a page that
 * plays for hours keeps a bounded amount, and a benchmark can take the samples of its own window
 * (the ones added after a `count` it read at the window's start) and their percentiles.
 */

/** A ring of the last `capacity` samples. */
export interface LatencySamples {
  /** Samples ever added (not only those still kept). */
  readonly count: number;
  readonly capacity: number;
  add(ms: number): void;
  /** The kept samples added after the first `since` ever added, oldest first (default: all kept). */
  recent(since?: number): number[];
}

/** An empty ring of `capacity` samples (default 4096: over two minutes of snapshots at 30 Hz). */
export function createLatencySamples(capacity = 4096): LatencySamples {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError('capacity must be a positive integer');
  const ring = new Float64Array(capacity);
  let count = 0;
  return {
    get count() {
      return count;
    },
    capacity,
    add(ms) {
      ring[count % capacity] = ms;
      count++;
    },
    recent(since = 0) {
      const from = Math.max(since, count - capacity, 0);
      const out: number[] = [];
      for (let i = from; i < count; i++) out.push(ring[i % capacity] as number);
      return out;
    },
  };
}

/** Nearest-rank percentile (`p` in 0…1) of `values`: the smallest value with at least p·n values at or below it; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}
