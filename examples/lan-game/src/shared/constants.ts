/**
 * The game's fixed numbers, shared by the host's simulation and the players' prediction (both must
 * step with exactly the same constants, or reconciliation never settles).
 */

/** Simulation steps per second (host and client prediction). */
export const TICK_HZ = 60;
/** Milliseconds per simulation step. */
export const TICK_MS = 1000 / TICK_HZ;
/**
 * Snapshots per second: every second tick. 30 Hz keeps the interpolation buffer at ~3 snapshots
 * inside 100 ms, so one lost snapshot (5 % loss) never empties it, at half the bytes of 60 Hz.
 */
export const SNAPSHOT_HZ = 30;
/** Ticks between two snapshots. */
export const SNAPSHOT_EVERY = TICK_HZ / SNAPSHOT_HZ;

/** Arena width in world units (a 16:9 field; the canvas scales it). */
export const ARENA_W = 960;
/** Arena height in world units. */
export const ARENA_H = 540;
/** Disc radius. */
export const PLAYER_R = 18;
/** Coin radius. */
export const COIN_R = 10;

/** Acceleration per tick at full stick, world units / tick². */
export const ACCEL = 0.55;
/** Velocity kept per tick (friction). */
export const FRICTION = 0.88;
/** Top speed from the stick alone, units / tick (≈ 270 units/s). */
export const MAX_SPEED = 4.5;
/** Velocity a dash adds in the stick's direction, units / tick. */
export const DASH_SPEED = 11;
/** Ticks a dash lasts (it bumps and steals while it lasts). */
export const DASH_TICKS = 12;
/** Ticks before the next dash. */
export const DASH_COOLDOWN_TICKS = 90;
/** Any speed above this is impossible for the simulation itself (dash + collisions): clamped. */
export const HARD_MAX_SPEED = 24;

/** The most players in one game. */
export const MAX_PLAYERS = 8;
/** Coins on the field at once: a base plus one per two players. */
export const coinTarget = (players: number): number => 3 + Math.ceil(players / 2);
/** Every how many coins a big one (worth more) appears. */
export const BIG_COIN_EVERY = 6;
/** Points of a small coin. */
export const COIN_POINTS = 1;
/** Points of a big coin. */
export const BIG_COIN_POINTS = 3;

/** Seconds of countdown before a round's play starts. */
export const COUNTDOWN_S = 3;
/** Default round length. */
export const DEFAULT_ROUND_S = 60;

/** Stick axes are sent as integers −127…127; a vector longer than this is a speed hack. */
export const AXIS_MAX = 127;

/** Distinct disc colours, one per slot (readable on the dark arena, distinguishable for most colour vision). */
export const COLOURS: readonly string[] = [
  '#ff6b6b',
  '#4dabf7',
  '#ffd43b',
  '#69db7c',
  '#da77f2',
  '#ff922b',
  '#3bc9db',
  '#f8f9fa',
];

/** Most UTF-8 bytes of a player name. */
export const MAX_NAME_BYTES = 32;

/** The colours' names, for the terminal and screen readers. */
export const COLOUR_NAMES: readonly string[] = [
  'red',
  'blue',
  'yellow',
  'green',
  'violet',
  'orange',
  'cyan',
  'white',
];
