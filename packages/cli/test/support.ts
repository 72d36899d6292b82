/** Helpers for the CLI tests: an in-memory `CliIo`, a temporary config dir, and the CLI as a child process. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CliIo } from '../src/index.js';

/** The CLI entry point (TypeScript, run with tsx and the `source` condition). */
export const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Node flags that run a .ts entry point from source (what lan-harness's `host.node` uses). */
export const TSX_FLAGS = [
  '--conditions=source',
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
];

/** An in-memory io: collected stdout/stderr text, an abort controller standing in for signals. */
export function memoryIo(opts: { tty?: boolean; stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = Object.assign(new PassThrough(), { isTTY: opts.tty ?? false });
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? '');
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const controller = new AbortController();
  const io: CliIo = { stdout, stderr, stdin, env: opts.env ?? {}, signal: controller.signal };
  return { io, controller, stdout: () => out, stderr: () => err };
}

/** A fresh config directory, removed by the returned cleanup. */
export function tempConfig(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lanrtc-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run the real `lanrtc` executable to completion. */
export function runMain(
  args: readonly string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX_FLAGS, MAIN, ...args], {
      env: { ...process.env, ...opts.env },
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
