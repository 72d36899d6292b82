/**
 * The relay's per-connection rate limit: a token bucket (`ratePerSecond` sustained, `rateBurst`
 * deep). Every frame over the limit is dropped and counted, but at most one `rate-limited` error
 * frame a second is sent: the answer to a flood must not be a flood.
 */
import type { RelayLimits } from '../limits.js';

/** What to do with a frame: take it, drop it and say so, or drop it silently. */
export type RateVerdict = 'ok' | 'limited' | 'limited-quietly';

/** One connection's token bucket. */
export interface RateBucket {
  /** Spend a token for a frame arriving at `now` (ms). */
  take(now: number): RateVerdict;
}

/** A full bucket for a connection opened at `now`. */
export function createRateBucket(
  limits: Pick<RelayLimits, 'ratePerSecond' | 'rateBurst'>,
  now: number,
): RateBucket {
  let tokens = limits.rateBurst;
  let lastRefill = now;
  let lastRateError = 0;
  return {
    take(at) {
      tokens = Math.min(limits.rateBurst, tokens + ((at - lastRefill) * limits.ratePerSecond) / 1000);
      lastRefill = at;
      if (tokens < 1) {
        if (at - lastRateError < 1000) return 'limited-quietly';
        lastRateError = at;
        return 'limited';
      }
      tokens -= 1;
      return 'ok';
    },
  };
}
