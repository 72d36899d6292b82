/**
 * Send-side limits of a room link. A sender sees `send` return false above the high-water mark and
 * waits for `drained`; a reliable send that would pass the hard cap is refused
 * (`RoomBufferFullError`, nothing queued); an unreliable send above its high-water mark is dropped
 * and counted. So no member's queue grows without bound, whatever the application does.
 */

/** Reliable buffer level above which `send` returns false (bytes). */
export const RELIABLE_HIGH_WATER = 256 * 1024;
/** Reliable buffer level at which `drained` resolves (bytes). */
export const RELIABLE_LOW_WATER = 64 * 1024;
/** Reliable buffer level no application send may pass (bytes). */
export const RELIABLE_HARD_CAP = 1024 * 1024;
/** Extra room above the hard cap kept for presence and heartbeat frames, which are never refused. */
export const CONTROL_SLACK = 64 * 1024;
/** Unreliable buffer level above which sends are dropped: a newer snapshot follows anyway (bytes). */
export const UNRELIABLE_HIGH_WATER = 64 * 1024;
