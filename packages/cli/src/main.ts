#!/usr/bin/env node
/**
 * The `lanrtc` executable: runs the command line with the real process streams; SIGINT/SIGTERM stop
 * long-running subcommands cleanly (a second signal exits at once).
 */
import { runCli } from './run.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    controller.abort(signal);
  });
}
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: controller.signal,
});
// Anything still holding the event loop after a command returned is a leak; do not hang on it.
process.exit();
