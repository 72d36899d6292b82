/**
 * `pnpm --filter lan-game start`: the game host in a terminal. Prints the join link and its QR code
 * and the host screen's address; Enter starts a round; runs until `q`, Ctrl-C or SIGTERM, then ends
 * the game for every player with a message and closes everything. Exit codes: 0 done, 1 failed, 2 usage.
 */
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GameError, GameUsageError } from './errors.js';
import { startGameServer } from './game-server.js';
import { checkedBindAddress, defaultLanAddress } from './lan-address.js';
import { parseGameOptions, USAGE } from './options.js';
import { eventLine, printBanner, runCommands, type TerminalOut } from './terminal.js';

const out: TerminalOut = { line: (text) => process.stdout.write(`${text}\n`) };
const clientDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'client');
/** What every player reads when the host quits. */
const HOST_LEFT = 'The host left: the game is over. Thanks for playing!';

async function main(): Promise<number> {
  // `pnpm --filter lan-game start -- --help` hands the script a literal `--` first.
  const argv = process.argv.slice(2);
  const options = parseGameOptions(argv[0] === '--' ? argv.slice(1) : argv);
  if (options.help) {
    out.line(USAGE);
    return 0;
  }
  const logger = options.verbose
    ? {
        debug: (message: string, fields?: Record<string, unknown>) =>
          process.stderr.write(`${JSON.stringify({ level: 'debug', message, ...fields })}\n`),
        warn: (message: string, fields?: Record<string, unknown>) =>
          process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
      }
    : undefined;
  const server = await startGameServer({
    name: options.name,
    room: options.room,
    roundSeconds: options.roundSeconds,
    address: options.bind !== undefined ? checkedBindAddress(options.bind) : defaultLanAddress(),
    port: options.port,
    screenPort: options.screenPort,
    config: options.config,
    clientDir: options.clientDir ?? clientDir,
    announce: options.announce,
    ...(logger ? { logger } : {}),
  });
  let reason = 'q';
  try {
    const qr = process.stdout.isTTY === true || process.env.LAN_GAME_QR === '1';
    server.onProblem((error) => out.line(`! ${error.name}: ${error.message}`));
    server.game.onEvent((event) => {
      const line = eventLine(event, server.game.status());
      if (line !== undefined) out.line(line);
    });
    await printBanner(server, options, out, qr);
    const stop = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort(signal));
    const lines = createInterface({ input: process.stdin });
    const stopped = new Promise<void>((resolve) =>
      stop.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    const commands = runCommands(server.game, lines, out);
    // Without a terminal (stdin at its end at once) the host runs until a signal; the screen's Start
    // button and the local API start rounds.
    if ((await Promise.race([commands, stopped])) === 'eof') await stopped;
    lines.close();
    if (stop.signal.aborted) reason = String(stop.signal.reason);
  } finally {
    out.line(`stopping (${reason}): telling the players`);
    await server.stop(HOST_LEFT);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof GameUsageError) {
      process.stderr.write(`lan-game: ${error.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    const code = (error as Error & { code?: string; port?: number }).code;
    if (code === 'EADDRINUSE') {
      // Another game (or program) has the port: say which option moves this one.
      const port = (error as Error & { port?: number }).port;
      process.stderr.write(
        `lan-game: port ${port} is already in use (another game or program): stop it, or choose another port with --port (page) or --screen-port (host screen)\n`,
      );
      process.exit(1);
    }
    process.stderr.write(`lan-game: ${error.name}: ${error.message}\n`);
    if (!(error instanceof GameError) && !error.name.endsWith('Error'))
      process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
