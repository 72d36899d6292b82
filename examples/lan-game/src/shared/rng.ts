/** A seeded PRNG (mulberry32): coin places are the same on every run with the same seed, so tests can replay a round. */

/** The generator's state, kept in the world so a copy of the world copies it. */
export interface RngState {
  seed: number;
}

/** The next number in [0, 1). */
export function nextRandom(state: RngState): number {
  state.seed = (state.seed + 0x6d2b79f5) | 0;
  let t = state.seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
