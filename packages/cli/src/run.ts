/**
 * `lanrtc <command> [options]`: dispatch to a subcommand and map failures to exit codes — 0 done,
 * 1 the command failed (a typed error, printed by name), 2 the command line is wrong (usage on stderr),
 * 130/143 stopped by SIGINT/SIGTERM while connecting.
 */
import { LanrtcError } from '@lanrtc/signal-core';
import { parseCommand } from './args.js';
import type { Command } from './command.js';
import { browseCommand } from './commands/browse.js';
import { cardCommand } from './commands/card.js';
import { connectCommand } from './commands/connect.js';
import { exposeCommand } from './commands/expose.js';
import { idCommand } from './commands/id.js';
import { listenCommand } from './commands/listen.js';
import { pasteCommand } from './commands/paste.js';
import { peersCommand } from './commands/peers.js';
import { receiveCommand } from './commands/receive.js';
import { relayCommand } from './commands/relay.js';
import { sendCommand } from './commands/send.js';
import { UsageError } from './errors.js';
import { type CliIo, writeLine } from './io.js';
import { printable } from './printable.js';
import { cliVersion } from './version.js';

/** Exit code of a command line that does not parse. */
export const USAGE_EXIT_CODE = 2;

const commands: Command[] = [
  idCommand,
  cardCommand,
  listenCommand,
  browseCommand,
  connectCommand,
  receiveCommand,
  sendCommand,
  exposeCommand,
  pasteCommand,
  peersCommand,
  relayCommand,
];

/** The overview `lanrtc --help` prints. */
export function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `usage: lanrtc <command> [options]

commands:
${commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}

\`lanrtc <command> --help\` shows a command's options; \`lanrtc --version\` the version.`;
}

/** Run the command line `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    writeLine(io.stderr, overview());
    return USAGE_EXIT_CODE;
  }
  if (name === '--version' || name === '-V') {
    writeLine(io.stdout, `lanrtc ${cliVersion()}`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = commands.find((c) => c.name === rest[0]);
    writeLine(io.stdout, topic ? topic.usage : overview());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    const parsed = parseCommand(command.name, rest, command.options, command.maxPositionals ?? 0);
    if (parsed.values.help === true) {
      writeLine(io.stdout, command.usage);
      return 0;
    }
    return await command.run(parsed, io);
  } catch (error) {
    const prefix = command ? `lanrtc ${command.name}` : 'lanrtc';
    if (error instanceof UsageError) {
      writeLine(io.stderr, `${prefix}: ${printable(error.message)}`);
      writeLine(io.stderr);
      writeLine(io.stderr, command ? command.usage : overview());
      return USAGE_EXIT_CODE;
    }
    if (error instanceof LanrtcError) {
      // A message may carry what a peer sent (a rejection reason, a name): never raw escapes.
      writeLine(io.stderr, `${prefix}: ${error.name}: ${printable(error.message)}`);
      return 1;
    }
    // Ctrl-C / SIGTERM while connecting: the operation rejects with the signal's reason (its name).
    if (io.signal.aborted && error === io.signal.reason) {
      writeLine(io.stderr, `${prefix}: stopped (${String(error)})`);
      return error === 'SIGTERM' ? 143 : 130;
    }
    // System errors (EADDRINUSE, EACCES, ENOENT…) are the environment's, not a bug: no stack trace.
    if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string') {
      writeLine(io.stderr, `${prefix}: ${printable(error.message)}`);
      return 1;
    }
    throw error;
  }
}
