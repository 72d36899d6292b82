/** What the test/lan end-to-end tests share: fixture paths and a reader for a child's JSON lines. */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childLines } from '../kit/child-lines.js';

/** Absolute path of a fixture script in `test/lan/fixtures/`. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** One JSON line a fixture printed (`text` for a line that is not JSON). */
export type Line = Record<string, unknown> & { event: string };

/** Collect a child's JSON lines; `next(event)` waits for the first line with that event. */
export function lines(child: ChildProcess) {
  const out = childLines(child);
  const next = async (event: string, ms = 15_000): Promise<Line> =>
    (await out.next((l) => l.event === event, { ms, what: `"${event}"` })) as Line;
  return { seen: out.lines as Line[], next, stderr: out.stderr };
}
