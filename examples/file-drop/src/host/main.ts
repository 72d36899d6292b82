/**
 * `pnpm --filter file-drop start`: the host in a terminal. Prints the page's link, takes files into
 * `--dir` (asking `y`/`n` for each offer unless `--yes`), sends with `send NAME PATH…`, lists the
 * pages with `list`; runs until `q`, Ctrl-C or SIGTERM. Exit codes: 0 done, 1 failed, 2 usage.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type DropHost, startDropHost } from './drop-host.js';
import { FileDropError, FileDropUsageError } from './errors.js';
import { checkedBindAddress, defaultLanAddress } from './lan-address.js';
import { parseFileDropOptions, USAGE } from './options.js';
import { bannerLines, followTransfer, offerLine, splitCommand, type TerminalOut } from './terminal.js';

const out: TerminalOut = { line: (text) => process.stdout.write(`${text}\n`) };
const pageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'page');

async function main(): Promise<number> {
  // `pnpm --filter file-drop start -- --help` hands the script a literal `--` first.
  const argv = process.argv.slice(2);
  const options = parseFileDropOptions(argv[0] === '--' ? argv.slice(1) : argv);
  if (options.help) {
    out.line(USAGE);
    return 0;
  }
  mkdirSync(options.dir, { recursive: true });
  const logger = options.verbose
    ? {
        debug: (message: string, fields?: Record<string, unknown>) =>
          process.stderr.write(`${JSON.stringify({ level: 'debug', message, ...fields })}\n`),
        warn: (message: string, fields?: Record<string, unknown>) =>
          process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
      }
    : undefined;
  // Offers wait here for the user's `y` or `n`, oldest first.
  const pending: ((yes: boolean) => void)[] = [];
  const host: DropHost = await startDropHost({
    name: options.name,
    dir: options.dir,
    address: options.bind !== undefined ? checkedBindAddress(options.bind) : defaultLanAddress(),
    port: options.port,
    config: options.config,
    pageDir: options.pageDir ?? pageDir,
    announce: options.announce,
    decide(offer, fromName) {
      out.line(offerLine(offer, fromName));
      if (options.yes) {
        out.line('  accepted (--yes)');
        return true;
      }
      return new Promise<boolean>((resolve) => pending.push(resolve));
    },
    ...(logger ? { logger } : {}),
  });
  let reason = 'q';
  try {
    for (const line of bannerLines(host, options.dir, options.yes)) out.line(line);
    host.room.onJoin((m) => out.line(`+ ${m.name} opened the page`));
    host.room.onLeave((m) => out.line(`- ${m.name} left`));
    host.onTransfer((t) => followTransfer(t, out));
    const stop = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort(signal));
    const lines = createInterface({ input: process.stdin });
    const stopped = new Promise<void>((resolve) =>
      stop.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    const commands = (async () => {
      for await (const raw of lines) {
        const [command, ...args] = splitCommand(raw.trim());
        if (command === undefined) continue;
        if (command === 'q' || command === 'quit') return;
        if (command === 'y' || command === 'n') {
          const answer = pending.shift();
          if (answer) answer(command === 'y');
          else out.line('no offer is waiting');
        } else if (command === 'list') {
          const pages = host.room.members().filter((m) => m.id !== host.agent.id);
          out.line(pages.length === 0 ? 'no page is open' : `pages: ${pages.map((m) => m.name).join(', ')}`);
        } else if (command === 'send') {
          const [name, ...paths] = args;
          if (name === undefined || paths.length === 0) out.line('usage: send NAME PATH…');
          else
            await host.sendTo(name, paths).then(
              () => out.line(`offering ${paths.length} path(s) to ${name}`),
              (error: Error) => out.line(`! ${error.name}: ${error.message}`),
            );
        } else out.line(`unknown command ${JSON.stringify(command)}: list · send NAME PATH… · y · n · q`);
      }
      // stdin ended (no terminal): run until a signal.
      await stopped;
    })();
    await Promise.race([commands, stopped]);
    lines.close();
    if (stop.signal.aborted) reason = String(stop.signal.reason);
  } finally {
    out.line(`stopping (${reason})`);
    for (const answer of pending.splice(0)) answer(false);
    await host.stop();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof FileDropUsageError) {
      process.stderr.write(`file-drop: ${error.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    if ((error as Error & { code?: string }).code === 'EADDRINUSE') {
      process.stderr.write(
        'file-drop: the port is already in use: stop the other program, or choose one with --port\n',
      );
      process.exit(1);
    }
    process.stderr.write(`file-drop: ${error.name}: ${error.message}\n`);
    if (!(error instanceof FileDropError) && !error.name.endsWith('Error'))
      process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
