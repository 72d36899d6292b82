/** Structured logs of long-running subcommands: JSON lines on stderr (debug only with `--verbose`). */
import type { Logger } from '@lanrtc/signal-core';
import type { CliIo } from './io.js';

// JSON.stringify escapes C0 controls only; DEL, C1 (0x9b is a one-byte CSI) and bidi overrides in a
// field a peer controls would reach the terminal raw. A \uXXXX escape keeps the line valid JSON.
const BEYOND_JSON_ESCAPES = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A logger writing `{ time, level, message, ...fields }` lines to stderr. */
export function createStderrLogger(io: CliIo, verbose: boolean): Logger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const json = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
    io.stderr.write(
      `${json.replace(BEYOND_JSON_ESCAPES, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`,
    );
  };
  return { debug: verbose ? line('debug') : () => {}, warn: line('warn') };
}
