/** Rings: made when the button is pressed, kept (the last `RING_HISTORY`) for viewers that come later. */
import { RING_HISTORY } from '../shared/messages.js';

/** A ring and its snapshot. */
export interface Ring {
  readonly id: string;
  /** `Date.now()` when the button was pressed. */
  readonly at: number;
  /** The JPEG, or undefined when the camera had no picture yet. */
  readonly jpeg: Uint8Array | undefined;
}

/** The last rings, oldest first, and ids unique for this run. */
export interface RingLog {
  /** A new ring id (`<run start base36>-<n>`). */
  nextId(): string;
  add(ring: Ring): void;
  /** The kept rings, oldest first. */
  recent(): readonly Ring[];
}

/** An empty log. */
export function createRingLog(limit = RING_HISTORY): RingLog {
  const run = Date.now().toString(36);
  let counter = 0;
  const rings: Ring[] = [];
  return {
    nextId: () => `${run}-${++counter}`,
    add(ring) {
      rings.push(ring);
      if (rings.length > limit) rings.splice(0, rings.length - limit);
    },
    recent: () => [...rings],
  };
}
