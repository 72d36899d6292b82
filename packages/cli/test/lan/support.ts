/**
 * Helpers of the CLI's LAN tests: a child's stdout as lines (JSON parsed where possible), and the
 * per-test LAN and config directories every test of this folder starts from.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { afterEach } from 'vitest';
import { type ChildLine, childLines, textLine } from '../../../../test/kit/child-lines.js';
import { tempConfig } from '../support.js';

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

/** One host of a test LAN. */
export type Host = Lan['hosts'][number];

/**
 * Per test: fresh config directories and one namespace LAN, all removed after the test. Call it once
 * in a `describeLan` body (it registers the `afterEach` that cleans up).
 */
export function cliLan() {
  let lan: Lan | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await lan?.close();
    lan = undefined;
    for (const c of cleanups.splice(0)) c();
  });
  function hosts(n: 2): Promise<[Host, Host]>;
  function hosts(n: 3): Promise<[Host, Host, Host]>;
  async function hosts(n: number): Promise<Host[]> {
    lan = await createLan({ hosts: n });
    return [...lan.hosts];
  }
  return {
    /** A fresh config directory (`--config`). */
    config(): string {
      const config = tempConfig();
      cleanups.push(config.cleanup);
      return config.dir;
    },
    /** Start the test's LAN with `n` hosts. */
    hosts,
  };
}
