/**
 * The simulation's number grid. The host snaps positions and velocities to it after every step, so a
 * snapshot (which carries them as integers) is the host's state exactly, and a client replaying its
 * inputs from a snapshot lands where the host will.
 */

/** Position units per world unit (1/32: 960 × 32 fits an unsigned 16-bit field). */
export const POS_SCALE = 32;
/** Velocity units per world unit per tick (1/1024: ±24 × 1024 fits a signed 16-bit field). */
export const VEL_SCALE = 1024;

/** A position on the grid. */
export const snapPos = (v: number): number => Math.round(v * POS_SCALE) / POS_SCALE;
/** A velocity on the grid. */
export const snapVel = (v: number): number => Math.round(v * VEL_SCALE) / VEL_SCALE;
