/**
 * TEST-ONLY: the doorbell as a user runs it (`src/device/main.ts`, the real terminal program) inside a
 * LAN host, its stdout read line by line and its stdin written like a person at the keyboard.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LanHost } from '@lanrtc/lan-harness';
import { readLines } from '../../../../test/kit/text-lines.js';
import type { DoorbellStats } from '../../src/device/doorbell.js';

export { type LineReader, readLines } from '../../../../test/kit/text-lines.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The doorbell's entry point. */
export const MAIN = join(here, '..', '..', 'src', 'device', 'main.ts');

/** A doorbell running in a LAN host. */
export interface DoorbellProcess {
  readonly child: ChildProcess;
  readonly config: string;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** The viewer URL, the local API's URL (`http://127.0.0.1:<port>/`, inside the host), the PIN and the pairing card from the banner. */
  readonly url: string;
  readonly apiUrl: string;
  readonly pin: () => string;
  readonly pairingCard: () => string;
  /** Resolve with the first line from `from` (default: the next one) matching `re`, or reject after `ms`. */
  next(re: RegExp, opts?: { ms?: number; from?: number }): Promise<RegExpExecArray>;
  /** Type a line (Enter rings). */
  type(line: string): void;
  /**
   * `GET /status` of the local API, fetched by a Node inside the doorbell's host (127.0.0.1 is per
   * host); `gc` asks for a full garbage collection first (start the doorbell with `--expose-gc`).
   */
  stats(opts?: { gc?: boolean }): Promise<DoorbellStats>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Start the doorbell in `host` with a fresh config directory (or `config`) and `env` added to the
 * test's environment; resolves once its banner is printed.
 */
export async function startDoorbellIn(
  host: LanHost,
  args: readonly string[] = [],
  config = mkdtempSync(join(tmpdir(), 'doorbell-test-')),
  env: NodeJS.ProcessEnv = {},
): Promise<DoorbellProcess> {
  // Announcing is what `--announce` in `args` asks for; the other tests keep mDNS quiet.
  const announce = args.includes('--announce');
  const rest = args.filter((a) => a !== '--announce');
  const child = host.node(MAIN, ['--config', config, ...(announce ? [] : ['--no-announce']), ...rest], {
    env: { ...process.env, DOORBELL_QR: '0', ...env },
  });
  const { lines, next, exited } = readLines(child, 'doorbell');
  const url = (await next(/^ {2}viewer: +(\S+)/, { from: 0, ms: 30_000 }))[1] ?? '';
  const apiUrl = (await next(/^ {2}local API: +(\S+\/)ring/, { from: 0 }))[1] ?? '';
  await next(/^Enter: ring/, { from: 0 });
  const last = (re: RegExp) => {
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = re.exec(lines[i] ?? '');
      if (m?.[1]) return m[1];
    }
    throw new Error(`doorbell printed no ${re}`);
  };
  return {
    child,
    config,
    lines,
    url,
    apiUrl,
    pin: () => last(/PIN: (\d{6})/),
    pairingCard: () => last(/pairing card: (LR1:.+)$/), // base45 has spaces
    next,
    type: (line) => child.stdin?.write(`${line}\n`),
    async stats(opts = {}) {
      const fetchStatus = `fetch(${JSON.stringify(`${apiUrl}status${opts.gc ? '?gc=1' : ''}`)}).then((r) => r.text()).then((t) => process.stdout.write(t))`;
      const got = await host.exec(process.execPath, ['-e', fetchStatus], { timeoutMs: 10_000 });
      if (got.code !== 0) throw new Error(`GET /status failed: ${got.stderr.slice(-400)}`);
      return (JSON.parse(got.stdout) as { stats: DoorbellStats }).stats;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(config, { recursive: true, force: true });
      return code;
    },
  };
}

/** Build the viewer with the package's Vite config into a fresh directory (a test never shares dist/). */
export async function buildViewer(): Promise<{ dir: string; remove(): void }> {
  const { build } = await import('vite');
  const dir = mkdtempSync(join(tmpdir(), 'doorbell-viewer-'));
  await build({
    configFile: join(here, '..', '..', 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir: dir },
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Call the doorbell's local API (127.0.0.1 inside its host, as a button's script on the device would). */
export async function localApi(
  host: LanHost,
  method: string,
  path: string,
  port = 8081,
): Promise<{ status: number; body: unknown }> {
  const code = `fetch(${JSON.stringify(`http://127.0.0.1:${port}${path}`)}, { method: ${JSON.stringify(method)} })
    .then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.json() })))`;
  const r = await host.exec(process.execPath, ['-e', code]);
  return JSON.parse(r.stdout) as { status: number; body: unknown };
}
