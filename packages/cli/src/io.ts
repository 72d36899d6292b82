/** What a subcommand may touch of its process: streams, environment, and a signal that stops it. */
import type { Readable, Writable } from 'node:stream';

/** The process edges a subcommand uses; `main.ts` passes the real ones, tests pass their own. */
export interface CliIo {
  readonly stdout: Writable & { readonly isTTY?: boolean };
  readonly stderr: Writable;
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM: long-running subcommands shut down cleanly and return. */
  readonly signal: AbortSignal;
}

/** Write one line to a stream. */
export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}

/** Resolve once `signal` is aborted (at once if it already is). */
export function untilAborted(signal: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const reason = () => resolve(typeof signal.reason === 'string' ? signal.reason : 'aborted');
    if (signal.aborted) reason();
    else signal.addEventListener('abort', reason, { once: true });
  });
}
