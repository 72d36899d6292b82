// Shared helpers of the lan-harness tests.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listNetns } from '../src/ip.js';

/** Absolute path of a fixture file. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Namespaces of `names` that still exist. */
export async function surviving(names: readonly string[]): Promise<string[]> {
  const now = new Set(await listNetns());
  return names.filter((n) => now.has(n));
}

/** Starts a TypeScript fixture in a plain Node process (tsx loader, `source` condition), outside any LAN. */
export function startTsFixture(name: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  return startTs(fixture(name), args, opts);
}

/** Node arguments that run a TypeScript file through tsx with the `source` condition. */
export function tsNodeArgs(path: string, args: readonly string[]): string[] {
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--conditions=source', '--import', loader, path, ...args];
}

/** Starts a TypeScript file (absolute path) in a plain Node process with the tsx loader. */
export function startTs(path: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, tsNodeArgs(path, args), {
    ...opts,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the first stdout line of a child (rejects if it exits first). */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    const onData = (d: string) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i >= 0) {
        child.stdout?.off('data', onData);
        resolve(buf.slice(0, i));
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing: ${err}`)));
  });
}

/** Resolves with [code, signal] once a child has exited. */
export function exited(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve([child.exitCode, child.signalCode]);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
}

/** Buffers a child's stdout by line; `next()` resolves with the next line (rejects on exit without one). */
export function lineReader(child: ChildProcess): { next(): Promise<string> } {
  const lines: string[] = [];
  const waiting: Array<{ ok: (l: string) => void; fail: (e: Error) => void }> = [];
  let buf = '';
  let ended = false;
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
    while (lines.length > 0 && waiting.length > 0) waiting.shift()?.ok(lines.shift() as string);
  });
  child.once('exit', (code) => {
    ended = true;
    for (const w of waiting.splice(0)) w.fail(new Error(`child exited (${code}) without another line`));
  });
  return {
    next() {
      const l = lines.shift();
      if (l !== undefined) return Promise.resolve(l);
      if (ended) return Promise.reject(new Error('child exited'));
      return new Promise((ok, fail) => waiting.push({ ok, fail }));
    },
  };
}
