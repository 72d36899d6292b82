/**
 * A child process's stdout as text lines, with a wait for the first line that matches a regular
 * expression — how the apps' tests read a program a user runs in a terminal (its banner, its events).
 * (`child-lines.ts` is the JSON-lines sibling for the LAN tests' host scripts.)
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A child's stdout, line by line, and a way to wait for a line. */
export interface LineReader {
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolve with the first line from `from` (default: the next one) matching `re`, or reject after `ms`. */
  next(re: RegExp, opts?: { ms?: number; from?: number }): Promise<RegExpExecArray>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Read `child`'s stdout line by line (`label` names it in errors, with the end of its stderr). */
export function readLines(child: ChildProcess, label: string): LineReader {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  if (!child.stdout) throw new Error(`${label} started without a stdout pipe`);
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters) w();
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = (re: RegExp, opts: { ms?: number; from?: number } = {}) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      let index = opts.from ?? lines.length;
      const check = () => {
        for (; index < lines.length; index++) {
          const m = re.exec(lines[index] ?? '');
          if (m) {
            done();
            return resolve(m);
          }
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `${label}: no line matching ${re} in ${opts.ms ?? 15_000} ms; stderr: ${stderr.slice(-800)}`,
          ),
        );
      }, opts.ms ?? 15_000);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      void exited.then(() => {
        if (waiters.has(check)) {
          done();
          reject(new Error(`${label} exited; stderr: ${stderr.slice(-800)}`));
        }
      });
      check();
    });
  return { lines, next, exited };
}
