/**
 * `pnpm --filter doorbell start`: the doorbell in a terminal. Prints where to open the viewer, the
 * PIN and the pairing card; Enter rings; runs until `q`, Ctrl-C or SIGTERM, then closes everything
 * (mDNS goodbye, viewers told, ffmpeg ended). Exit codes: 0 done, 1 failed, 2 usage.
 */
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Doorbell, startDoorbell } from './doorbell.js';
import { DoorbellError, DoorbellUsageError } from './errors.js';
import { defaultLanAddress } from './lan-address.js';
import { type LocalApi, startLocalApi } from './local-api.js';
import { parseDoorbellOptions, USAGE } from './options.js';
import { eventLine, printBanner, printPairingCard, runCommands, type TerminalOut } from './terminal.js';

const out: TerminalOut = { line: (text) => process.stdout.write(`${text}\n`) };
const viewerDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'viewer');

async function main(): Promise<number> {
  // `pnpm --filter doorbell start -- --help` hands the script a literal `--` first.
  const argv = process.argv.slice(2);
  const options = parseDoorbellOptions(argv[0] === '--' ? argv.slice(1) : argv);
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
  const doorbell: Doorbell = await startDoorbell({
    name: options.name,
    config: options.config,
    address: options.address ?? defaultLanAddress(),
    port: options.port,
    directPort: options.directPort,
    viewerDir: options.viewerDir ?? viewerDir,
    talkbackDir: options.talkbackDir,
    talkback: options.talkback,
    ...(options.input ? { input: options.input } : {}),
    announce: options.announce,
    ...(logger ? { logger } : {}),
  });
  let api: LocalApi | undefined;
  try {
    api = await startLocalApi(doorbell, options.apiPort);
    const qr = process.stdout.isTTY === true || process.env.DOORBELL_QR === '1';
    doorbell.onEvent((event) => {
      if (event.kind === 'pairing-card') void printPairingCard(event.text, out, qr);
      const line = eventLine(event);
      if (line !== undefined) out.line(line);
    });
    await printBanner(doorbell, api.url, out, qr);
    const stop = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort(signal));
    const lines = createInterface({ input: process.stdin });
    const stopped = new Promise<void>((resolve) =>
      stop.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    await Promise.race([runCommands(doorbell, lines, out), stopped]);
    lines.close();
    out.line(`stopping (${stop.signal.aborted ? String(stop.signal.reason) : 'q'})`);
  } finally {
    await api?.close();
    await doorbell.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof DoorbellUsageError) {
      process.stderr.write(`doorbell: ${error.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`doorbell: ${error.name}: ${error.message}\n`);
    if (!(error instanceof DoorbellError) && !error.name.endsWith('Error'))
      process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
