/**
 * TEST-ONLY: the game host as a user runs it (`src/host/main.ts`, the real terminal program) inside a
 * LAN host, its stdout read line by line and its stdin written like a person at the keyboard; plus the
 * page built once per test file into a fresh directory.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LanHost } from '@lanrtc/lan-harness';
import { readLines } from '../../../../test/kit/text-lines.js';
import type { GameHostStatus } from '../../src/host/game-host.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The host's entry point. */
export const MAIN = join(here, '..', '..', 'src', 'host', 'main.ts');

/** A game host running in a LAN host. */
export interface GameProcess {
  readonly child: ChildProcess;
  readonly config: string;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** The join URL from the banner (`http://<ip>:<port>/#join=LRR1:…`), what the QR code carries. */
  readonly joinUrl: string;
  /** The host screen's URL (127.0.0.1 inside the host). */
  readonly screenUrl: string;
  /** Resolve with the first line from `from` (default: the next one) matching `re`, or reject after `ms`. */
  next(re: RegExp, opts?: { ms?: number; from?: number }): Promise<RegExpExecArray>;
  /** Type a line (an empty one starts a round, `status`, `q`). */
  type(line: string): void;
  /** `GET /api/status` of the local API, fetched by a Node inside the game's host. */
  status(): Promise<GameHostStatus>;
  /** `GET /api/view`: the host screen's spectator view (latest snapshot, roster, coins, status). */
  view(): Promise<unknown>;
  /** `POST /api/start` (what the screen's Start button does). */
  start(): Promise<boolean>;
  /** SIGTERM (the players are told) and wait for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Start the game host in `host` with a fresh config directory and `args` (e.g. `--round-seconds 20`,
 * `--client-dir <built page>`; `--announce` turns mDNS on, off by default in tests); resolves once its
 * banner is printed.
 */
export async function startGameIn(host: LanHost, args: readonly string[] = []): Promise<GameProcess> {
  const config = mkdtempSync(join(tmpdir(), 'lan-game-test-'));
  const announce = args.includes('--announce');
  const rest = args.filter((a) => a !== '--announce');
  const child = host.node(MAIN, ['--config', config, ...(announce ? [] : ['--no-announce']), ...rest], {
    env: { ...process.env, LAN_GAME_QR: '0' },
  });
  const { lines, next, exited } = readLines(child, 'lan-game');
  const joinUrl = (await next(/^ {2}join: +(\S+)/, { from: 0, ms: 30_000 }))[1] ?? '';
  const screenUrl = (await next(/^ {2}screen: +(\S+)/, { from: 0 }))[1] ?? '';
  await next(/^Enter: start a round/, { from: 0 });
  const api = async (method: string, path: string) => {
    const origin = new URL(screenUrl).origin;
    const code = `fetch(${JSON.stringify(`${origin}${path}`)}, { method: ${JSON.stringify(method)} })
      .then((r) => r.text()).then((t) => process.stdout.write(t))`;
    const got = await host.exec(process.execPath, ['-e', code], { timeoutMs: 10_000 });
    if (got.code !== 0) throw new Error(`${method} ${path} failed: ${got.stderr.slice(-400)}`);
    return JSON.parse(got.stdout) as unknown;
  };
  return {
    child,
    config,
    lines,
    joinUrl,
    screenUrl,
    next,
    type: (line) => child.stdin?.write(`${line}\n`),
    status: async () => (await api('GET', '/api/status')) as GameHostStatus,
    view: () => api('GET', '/api/view'),
    start: async () => ((await api('POST', '/api/start')) as { started: boolean }).started,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(config, { recursive: true, force: true });
      return code;
    },
  };
}

/** Build the page with the package's Vite config into a fresh directory (a test never shares dist/). */
export async function buildClient(): Promise<{ dir: string; remove(): void }> {
  const { build } = await import('vite');
  const dir = mkdtempSync(join(tmpdir(), 'lan-game-client-'));
  await build({
    configFile: join(here, '..', '..', 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir: dir },
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
