/**
 * A child process's stdout as lines — each line's JSON object, or `{ text }` for a line that is not
 * JSON — with a wait for the first line that matches. The host scripts of LAN tests report what
 * they do this way.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One stdout line: its JSON object, or `{ text }` when it is not JSON. */
export type ChildLine = Record<string, unknown>;

/** Options of `ChildLines.next`. */
export interface NextOptions {
  /** How long to wait (default 15 000 ms). */
  readonly ms?: number;
  /** Look only at lines from this index on (default 0: every line seen so far). */
  readonly from?: number;
  /** What is awaited, for the error message. */
  readonly what?: string;
}

/** A child's lines so far, its stderr, and a wait for a line. */
export interface ChildLines {
  readonly lines: ChildLine[];
  /** The first line (from `from` on) that matches; rejects after `ms` with the child's stderr tail. */
  next(match: (l: ChildLine) => boolean, opts?: NextOptions): Promise<ChildLine>;
  stderr(): string;
}

/** Collect `child`'s stdout lines and stderr from now on. */
export function childLines(child: ChildProcess): ChildLines {
  const lines: ChildLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    let line: ChildLine;
    try {
      const parsed: unknown = JSON.parse(text);
      line = typeof parsed === 'object' && parsed !== null ? (parsed as ChildLine) : { text };
    } catch {
      line = { text };
    }
    lines.push(line);
    for (const w of [...waiters]) w();
  });
  return {
    lines,
    stderr: () => stderr,
    next: (match, { ms = 15_000, from = 0, what = 'matching line' } = {}) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.slice(from).find(match);
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
      }),
  };
}

/** Matches a line that is not JSON against `pattern`. */
export const textLine = (pattern: RegExp) => (l: ChildLine) =>
  typeof l.text === 'string' && pattern.test(l.text);
