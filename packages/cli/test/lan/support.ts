/** Helpers of the CLI's LAN tests: a child's stdout as lines (JSON parsed where possible). */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The browse fixture run on the other host. */
export const FINDER = fileURLToPath(new URL('./fixtures/finder.ts', import.meta.url));

/** One stdout line: its JSON object, or `{ text }` when it is not JSON. */
export type Line = Record<string, unknown>;

/** A child's stdout lines (JSON parsed where possible) and a way to wait for one. */
export function watch(child: ChildProcess) {
  const seen: Line[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let buffer = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    buffer += d;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const text = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      try {
        seen.push(JSON.parse(text) as Line);
      } catch {
        seen.push({ text });
      }
    }
    for (const w of waiters) w();
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const next = (match: (l: Line) => boolean, what: string, ms = 15_000): Promise<Line> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = seen.find(match);
        if (!hit) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} within ${ms} ms; stderr: ${stderr.slice(-2000)}`));
      }, ms);
      waiters.add(check);
      check();
    });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { seen, next, exited, stderr: () => stderr, kill: () => child.kill('SIGTERM') };
}

/** Matches a plain-text line against `pattern`. */
export const text = (pattern: RegExp) => (l: Line) => typeof l.text === 'string' && pattern.test(l.text);
