/** TEST-ONLY: drive the page's test hooks (`globalThis.lanGame`) from Playwright or puppeteer. */
import type { LanGameState } from '../../src/client/test-hooks.js';

export type { LanGameState };

/** Anything with `evaluate` (a Playwright or puppeteer page). */
export interface Evaluator {
  // biome-ignore lint/suspicious/noExplicitAny: both libraries' evaluate signatures, reduced to what is used here
  evaluate(fn: any, ...args: any[]): Promise<any>;
}

interface Hooks {
  state(): LanGameState;
  setStick(stick: { dx: number; dy: number } | undefined): void;
  dash(): void;
  sendRaw(bytes: readonly number[], delivery?: 'reliable' | 'unreliable'): boolean;
}

/** The page's state (undefined before the page installed its hooks). */
export function gameState(page: Evaluator): Promise<LanGameState | undefined> {
  return page.evaluate(() => (globalThis as unknown as { lanGame?: Hooks }).lanGame?.state());
}

/** Hold the stick (axes −127…127), or give the controls back with `undefined`. */
export function setStick(page: Evaluator, stick: { dx: number; dy: number } | undefined): Promise<void> {
  return page.evaluate(
    (s: typeof stick) => (globalThis as unknown as { lanGame: Hooks }).lanGame.setStick(s),
    stick,
  );
}

/** Press dash once. */
export function dash(page: Evaluator): Promise<void> {
  return page.evaluate(() => (globalThis as unknown as { lanGame: Hooks }).lanGame.dash());
}

/** Send raw bytes to the host as this page (hostile-input tests); false when not in a room. */
export function sendRaw(
  page: Evaluator,
  bytes: readonly number[],
  delivery: 'reliable' | 'unreliable' = 'reliable',
): Promise<boolean> {
  return page.evaluate(
    ([b, d]: [number[], 'reliable' | 'unreliable']) =>
      (globalThis as unknown as { lanGame: Hooks }).lanGame.sendRaw(b, d),
    [bytes, delivery],
  );
}

/**
 * Steer this page's disc at the nearest coin every 50 ms, dashing now and then (a bot for tests and
 * demos: it plays through the same hooks a test reads). Returns when installed; `stopBot` ends it.
 */
export function startBot(page: Evaluator): Promise<void> {
  return page.evaluate(() => {
    const g = (globalThis as unknown as { lanGame: Hooks }).lanGame;
    const holder = globalThis as unknown as { lanGameBot?: ReturnType<typeof setInterval> };
    clearInterval(holder.lanGameBot);
    holder.lanGameBot = setInterval(() => {
      const s = g.state();
      const me = s.discs.find((d) => d.self);
      if (!me || s.coins.length === 0) return g.setStick(undefined);
      const dist = (c: { x: number; y: number }) => Math.hypot(c.x - me.x, c.y - me.y);
      const c = s.coins.reduce((a, b) => (dist(a) < dist(b) ? a : b));
      const d = dist(c) || 1;
      g.setStick({ dx: ((c.x - me.x) / d) * 127, dy: ((c.y - me.y) / d) * 127 });
      if (Math.random() < 0.02) g.dash();
    }, 50);
  });
}

/** Stop the bot and give the controls back. */
export function stopBot(page: Evaluator): Promise<void> {
  return page.evaluate(() => {
    const holder = globalThis as unknown as { lanGameBot?: ReturnType<typeof setInterval>; lanGame: Hooks };
    clearInterval(holder.lanGameBot);
    holder.lanGame.setStick(undefined);
  });
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
