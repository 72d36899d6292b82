// Shared helpers of the store tests: temp directories that are always removed, and TypeScript child processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach } from 'vitest';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed after the current test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lanrtc-store-'));
  made.push(dir);
  return dir;
}

/** Start `fixtures/<name>` in a plain Node process through tsx with the `source` condition. */
export function startFixture(name: string, args: readonly string[]): ChildProcess {
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const path = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return spawn(process.execPath, ['--conditions=source', '--import', loader, path, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Resolves when the child prints a line equal to `line` (rejects, with its stderr, if it exits first). */
export function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const onErr = (d: string) => {
      err += d;
    };
    const onOut = (d: string) => {
      out += d;
      if (out.split('\n').includes(line)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (${code}) before printing ${line}: ${err}`));
    };
    const cleanup = () => {
      child.stdout?.off('data', onOut);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
    };
    child.stdout?.setEncoding('utf8').on('data', onOut);
    child.stderr?.setEncoding('utf8').on('data', onErr);
    child.once('exit', onExit);
  });
}

/** Resolves with [code, signal] once the child has exited (and been reaped). */
export function exited(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve([child.exitCode, child.signalCode]);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
}
