/** The structured logger every lanrtc package accepts; packages log nothing without one. */

/** Minimal structured logger; nothing is logged without one. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything, for code that logs unconditionally but was given no logger. */
export const NOOP_LOGGER: Logger = { debug() {}, warn() {} };
