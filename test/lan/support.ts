/** What the test/lan end-to-end tests share: fixture paths and a reader for a child's JSON lines. */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Absolute path of a fixture script in `test/lan/fixtures/`. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** One JSON line a fixture printed (`raw` for a line that is not JSON). */
export type Line = Record<string, unknown> & { event: string };

/** Collect a child's JSON lines; `next(event)` waits for the first line with that event. */
export function lines(child: ChildProcess) {
  const seen: Line[] = [];
  const waiters: (() => void)[] = [];
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) => {
    try {
      seen.push(JSON.parse(l) as Line);
    } catch {
      seen.push({ event: 'raw', text: l });
    }
    for (const w of waiters.splice(0)) w();
  });
  const next = (event: string, ms = 15_000): Promise<Line> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${event}" in time; stderr: ${stderr.slice(-2000)}`)),
        ms,
      );
      const check = () => {
        const hit = seen.find((l) => l.event === event);
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        } else waiters.push(check);
      };
      check();
    });
  return { seen, next, stderr: () => stderr };
}
