/**
 * Client-side prediction of the player's own disc: each tick's input moves the disc at once (the same
 * `moveDisc` the host runs) and waits in `pending` until a snapshot acknowledges it. A snapshot resets
 * the disc to the host's state and replays the inputs the host has not applied yet (reconciliation);
 * the difference is kept as an offset that fades over a few frames, so a correction never jumps.
 */
import type { SnapshotDisc } from '../shared/messages.js';
import { type DiscMotion, moveDisc, type PlayerInput } from '../shared/sim.js';

/** A correction farther than this (world units) is a teleport (respawn): snap, do not smooth. */
export const SNAP_DISTANCE = 120;
/** Offset kept per tick while it fades (≈ 90 % gone after 11 ticks). */
const OFFSET_DECAY = 0.8;
/** Most unacknowledged inputs kept (3 s): older ones are lost and their replay would be wrong anyway. */
const MAX_PENDING = 180;

/** One page's prediction of its own disc. */
export interface Predictor {
  /** The predicted disc (undefined until the first snapshot that has it). */
  readonly state: DiscMotion | undefined;
  /** Inputs sent and not yet acknowledged. */
  readonly pending: readonly PlayerInput[];
  /** Where to draw the disc: the prediction plus the fading correction. */
  rendered(): { x: number; y: number } | undefined;
  /** Make the next input (numbered), apply it to the prediction, keep it for replay. */
  input(stick: { dx: number; dy: number; dash: boolean }): PlayerInput;
  /** Take the host's state of this disc; returns the correction's size (world units). */
  reconcile(server: SnapshotDisc): number;
  /** Let the correction fade by one tick. */
  decay(): void;
  /** Forget the disc (left the round): the next snapshot starts it again. */
  reset(): void;
}

/** A predictor whose first input is numbered `firstSeq`. */
export function createPredictor(firstSeq = 1): Predictor {
  let state: DiscMotion | undefined;
  let pending: PlayerInput[] = [];
  let seq = firstSeq - 1;
  let ox = 0;
  let oy = 0;
  return {
    get state() {
      return state;
    },
    get pending() {
      return pending;
    },
    rendered: () => (state ? { x: state.x + ox, y: state.y + oy } : undefined),
    input(stick) {
      seq++;
      const input: PlayerInput = { seq, dx: stick.dx, dy: stick.dy, dash: stick.dash };
      if (state) {
        moveDisc(state, input);
        pending.push(input);
        if (pending.length > MAX_PENDING) pending.shift();
      }
      return input;
    },
    reconcile(server) {
      const before = state ? { x: state.x + ox, y: state.y + oy } : undefined;
      const next: DiscMotion = {
        x: server.x,
        y: server.y,
        vx: server.vx,
        vy: server.vy,
        dashTicks: server.dashTicks,
        cooldown: server.cooldown,
      };
      pending = pending.filter((i) => i.seq > server.ack);
      for (const i of pending) moveDisc(next, i);
      const error = state ? Math.hypot(state.x - next.x, state.y - next.y) : 0;
      state = next;
      if (!before || Math.hypot(before.x - next.x, before.y - next.y) > SNAP_DISTANCE) {
        ox = 0;
        oy = 0;
      } else {
        ox = before.x - next.x;
        oy = before.y - next.y;
      }
      return error;
    },
    decay() {
      ox *= OFFSET_DECAY;
      oy *= OFFSET_DECAY;
      if (Math.abs(ox) < 0.01) ox = 0;
      if (Math.abs(oy) < 0.01) oy = 0;
    },
    reset() {
      state = undefined;
      pending = [];
      ox = 0;
      oy = 0;
    },
  };
}
