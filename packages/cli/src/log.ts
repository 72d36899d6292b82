/** Structured logs of long-running subcommands: JSON lines on stderr (debug only with `--verbose`). */
import type { Logger } from '@lanrtc/signal-core';
import type { CliIo } from './io.js';

/** A logger writing `{ time, level, message, ...fields }` lines to stderr. */
export function createStderrLogger(io: CliIo, verbose: boolean): Logger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    io.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
  };
  return { debug: verbose ? line('debug') : () => {}, warn: line('warn') };
}
