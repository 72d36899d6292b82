/**
 * TEST-ONLY: the file-drop host as a user runs it (`src/host/main.ts`, the real terminal program)
 * inside a LAN host — its stdout read line by line, its stdin typed like a person at the keyboard —
 * and the page built once per test file into a fresh directory.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LanHost } from '@lanrtc/lan-harness';
import { readLines } from '../../../../test/kit/text-lines.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The host's entry point. */
export const MAIN = join(here, '..', '..', 'src', 'host', 'main.ts');

/** A file-drop host running in a LAN host. */
export interface DropProcess {
  readonly child: ChildProcess;
  /** Where it puts received files. */
  readonly dir: string;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** The page link from the banner (`http://<ip>:<port>/#join=LRR1:…`). */
  readonly url: string;
  /** Resolve with the first line from `from` (default: the next one) matching `re`, or reject after `ms`. */
  next(re: RegExp, opts?: { ms?: number; from?: number }): Promise<RegExpExecArray>;
  /** Type a line (`send NAME PATH`, `y`, `n`, `list`). */
  type(line: string): void;
  /** SIGTERM and wait for the exit code; removes its config and received files. */
  stop(): Promise<number | null>;
}

/** Start the host in `host` with a fresh config and target directory and `args`; resolves once its banner is printed. */
export async function startDropIn(host: LanHost, args: readonly string[] = []): Promise<DropProcess> {
  const config = mkdtempSync(join(tmpdir(), 'file-drop-config-'));
  const dir = mkdtempSync(join(tmpdir(), 'file-drop-received-'));
  const child = host.node(MAIN, ['--config', config, '--dir', dir, '--no-announce', ...args]);
  const { lines, next, exited } = readLines(child, 'file-drop');
  const url = (await next(/^ {2}open: +(\S+)/, { from: 0, ms: 30_000 }))[1] ?? '';
  await next(/^commands:/, { from: 0 });
  return {
    child,
    dir,
    lines,
    url,
    next,
    type: (line) => child.stdin?.write(`${line}\n`),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(config, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Build the page with the package's Vite config into a fresh directory (a test never shares dist/). */
export async function buildPage(): Promise<{ dir: string; remove(): void }> {
  const { build } = await import('vite');
  const dir = mkdtempSync(join(tmpdir(), 'file-drop-page-'));
  await build({
    configFile: join(here, '..', '..', 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir: dir },
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
