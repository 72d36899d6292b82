/** Helpers of the CLI's LAN tests: a child's stdout as lines (JSON parsed where possible). */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ChildLine, childLines, textLine } from '../../../../test/kit/child-lines.js';

/** The browse fixture run on the other host. */
export const FINDER = fileURLToPath(new URL('./fixtures/finder.ts', import.meta.url));

/** One stdout line: its JSON object, or `{ text }` when it is not JSON. */
export type Line = ChildLine;

/** A child's stdout lines (JSON parsed where possible) and a way to wait for one. */
export function watch(child: ChildProcess) {
  const out = childLines(child);
  const next = (match: (l: Line) => boolean, what: string, ms = 15_000): Promise<Line> =>
    out.next(match, { ms, what });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { seen: out.lines, next, exited, stderr: out.stderr, kill: () => child.kill('SIGTERM') };
}

/** Matches a plain-text line against `pattern`. */
export const text = textLine;
