/**
 * Timers exist in every runtime lanrtc supports, but signal-core compiles without DOM or Node types
 * (so nothing platform-specific slips in); describe just what is used. The handle is opaque.
 */
interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** `setTimeout` / `clearTimeout` of the running platform. */
export const timers: Timers = {
  setTimeout: (callback, ms) => (globalThis as unknown as Timers).setTimeout(callback, ms),
  clearTimeout: (handle) => (globalThis as unknown as Timers).clearTimeout(handle),
};
