/**
 * Runs one README/doc block the way its first line says (docs/CONTRIBUTING.md "Code blocks in
 * READMEs and docs"): a Node block written to its path and its command run in its directory, a shell
 * block with `sh -e`, a browser block bundled and run in Debian Chromium from a loopback origin.
 * Blocks that run until Ctrl-C are started, watched for their expected output, then sent SIGINT.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import { build } from 'esbuild';
import { type DocBlock, showsExpected } from './doc-blocks.js';

/** What a run produced. */
export interface BlockRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  readonly all: string;
  readonly timedOut: boolean;
}

const RUN_MS = 60_000;
const EXIT_AFTER_SIGINT_MS = 10_000;

/** Run `command` with `sh -c` in `cwd` as its own process group; for `untilCtrlC`, SIGINT once `expected` shows. */
function runShell(
  script: string,
  cwd: string,
  untilCtrlC: boolean,
  expected: string | undefined,
  shellArgs: string[] = ['-c'],
): Promise<BlockRun> {
  return new Promise((resolve) => {
    const child = spawn('sh', [...shellArgs, script], {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let all = '';
    let timedOut = false;
    let interrupted = false;
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    };
    const interrupt = () => {
      if (interrupted) return;
      interrupted = true;
      kill('SIGINT');
      clearTimeout(deadline);
      deadline = setTimeout(() => {
        timedOut = true;
        kill('SIGKILL');
      }, EXIT_AFTER_SIGINT_MS);
    };
    const seen = () => {
      if (untilCtrlC && expected !== undefined && showsExpected(all, expected).ok) interrupt();
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      all += d;
      seen();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      all += d;
      seen();
    });
    let deadline = setTimeout(() => {
      timedOut = true;
      kill('SIGKILL');
    }, RUN_MS);
    child.on('close', (status, signal) => {
      clearTimeout(deadline);
      resolve({ status, signal, stdout, stderr, all, timedOut });
    });
  });
}

/** A Node block: written to its path, its command run in its directory. */
export async function runNodeBlock(root: string, block: DocBlock): Promise<BlockRun> {
  if (block.usage.kind !== 'node') throw new TypeError('not a Node block');
  const { path, dir, command, untilCtrlC } = block.usage;
  const file = join(root, path);
  // The block is written where it says; a file already there is someone's, so it is never replaced.
  if (existsSync(file)) throw new Error(`${path} exists already; the block's file must be a new one`);
  writeFileSync(file, block.code);
  try {
    return await runShell(command, join(root, dir), untilCtrlC, block.output?.code);
  } finally {
    rmSync(file, { force: true });
  }
}

/** A shell block: its lines with `sh -e` in its directory. */
export function runShBlock(root: string, block: DocBlock): Promise<BlockRun> {
  if (block.usage.kind !== 'sh') throw new TypeError('not a shell block');
  return runShell(block.code, join(root, block.usage.dir), block.usage.untilCtrlC, block.output?.code, [
    '-e',
    '-c',
  ]);
}

/**
 * A browser block: bundled with the workspace packages (their `source` condition) into one module,
 * served from a loopback origin (a secure context, like an installed app), run in Chromium. It has
 * run when its module finished evaluating; its `console` lines are its output, uncaught errors its
 * stderr.
 */
export async function runBrowserBlock(root: string, block: DocBlock): Promise<BlockRun> {
  const entry = join(
    root,
    'test',
    'docs',
    `.browser-block-${process.pid}.${block.lang === 'js' ? 'js' : 'ts'}`,
  );
  // Appended after the block: reached only once every top-level await of the block has settled.
  writeFileSync(entry, `${block.code}\nReflect.set(globalThis, '__docBlockDone', true);\n`);
  let script: string;
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['source'],
      write: false,
      logLevel: 'silent',
    });
    script = result.outputFiles[0]?.text ?? '';
  } finally {
    rmSync(entry, { force: true });
  }
  const server = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/app.js"></script>');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  const chromium = await launchChromium();
  let stdout = '';
  let stderr = '';
  let all = '';
  let timedOut = false;
  try {
    const page = await chromium.browser.newPage();
    page.on('console', (m) => {
      const line = `${m.text()}\n`;
      if (m.type() === 'error') stderr += line;
      else stdout += line;
      all += line;
    });
    const failed = new Promise<void>((r) =>
      page.on('pageerror', (e) => {
        stderr += `${e.stack ?? e.message}\n`;
        all += `${e.message}\n`;
        r();
      }),
    );
    await page.goto(`http://127.0.0.1:${port}/`);
    const done = page.waitForFunction(() => '__docBlockDone' in globalThis, undefined, { timeout: RUN_MS });
    await Promise.race([done, failed]).catch(() => {
      timedOut = true;
    });
    const finished = await page.evaluate(() => '__docBlockDone' in globalThis);
    return { status: finished && stderr === '' ? 0 : 1, signal: null, stdout, stderr, all, timedOut };
  } finally {
    await chromium.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
