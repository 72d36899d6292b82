/** TEST-ONLY: drive the viewer's test hooks (`globalThis.doorbellViewer`) from Playwright or puppeteer. */

import type { ViewerState } from '../../src/viewer/test-hooks.js';

export type { ViewerState };

/** An action's outcome. */
export type Outcome = { ok: true } | { ok: false; error: string };

/** Anything with `evaluate` (a Playwright or puppeteer page). */
export interface Evaluator {
  // biome-ignore lint/suspicious/noExplicitAny: both libraries' evaluate signatures, reduced to what is used here
  evaluate(fn: any, ...args: any[]): Promise<any>;
}

type Hooks = {
  state(): Promise<ViewerState>;
  enterPin(pin: string): Promise<Outcome>;
  connectText(text: string): Promise<Outcome>;
  pressTalk(): Promise<Outcome>;
  releaseTalk(): Promise<Outcome>;
};

/** The viewer's state. */
export function viewerState(page: Evaluator): Promise<ViewerState> {
  return page.evaluate(() => (globalThis as unknown as { doorbellViewer: Hooks }).doorbellViewer.state());
}

/** Run one of the viewer's actions. */
export function viewerAction(
  page: Evaluator,
  name: 'enterPin' | 'connectText' | 'pressTalk' | 'releaseTalk',
  arg = '',
): Promise<Outcome> {
  return page.evaluate(
    ([n, a]: [string, string]) =>
      (
        globalThis as unknown as { doorbellViewer: Record<string, (x: string) => Promise<Outcome>> }
      ).doorbellViewer[n]?.(a),
    [name, arg],
  );
}

/** Poll `read` until `ok` holds (or throw after `ms`, with the last value). */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

/** Frames presented over `ms`: decoded frames keep coming. */
export async function framesOver(page: Evaluator, ms = 3_000): Promise<number> {
  const from = (await viewerState(page)).video.framesPresented;
  await new Promise((r) => setTimeout(r, ms));
  return (await viewerState(page)).video.framesPresented - from;
}

/**
 * Press Enter on the doorbell (it rings every viewer) and resolve with the ring as `page` got it
 * (the first live one) and its latency: the page's `Date.now()` at arrival minus the doorbell's at
 * the press — one machine, one clock.
 */
export async function ringFromTerminal(
  doorbell: {
    readonly lines: readonly string[];
    type(line: string): void;
    next(re: RegExp, opts?: { from?: number }): Promise<unknown>;
  },
  page: Evaluator,
): Promise<{ ring: ViewerState['rings'][number]; latencyMs: number }> {
  const from = doorbell.lines.length;
  doorbell.type('');
  await doorbell.next(/ring \S+ → 1 viewer/, { from });
  const state = await until(
    () => viewerState(page),
    (s) => s.rings.some((r) => !r.past),
  );
  const ring = state.rings.find((r) => !r.past) as ViewerState['rings'][number];
  return { ring, latencyMs: ring.receivedAt - ring.at };
}
