/**
 * TEST-ONLY: a player's page in Chromium, read and steered through the page's own test hooks
 * (`globalThis.lanGame`, src/client/test-hooks.ts), and the host's view of the round for comparison.
 */
import type { Browser, Page } from 'playwright-core';
import type { LanGameState } from '../../src/client/test-hooks.js';
import type { GameProcess } from './game-process.js';

/** A disc where some view puts it. */
export interface DiscAt {
  readonly slot: number;
  readonly x: number;
  readonly y: number;
}

/** Poll `read` until `ok` holds (resolves with that value), or reject after `ms` with the last value. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${ms} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The page's view of the game. */
export const pageState = (page: Page): Promise<LanGameState> =>
  page.evaluate(() => (globalThis as unknown as { lanGame: { state(): LanGameState } }).lanGame.state());

/** Hold the page's stick at (dx, dy) (−127…127), or give it back to the controls. */
export const setStick = (page: Page, stick: { dx: number; dy: number } | undefined): Promise<void> =>
  page.evaluate((s) => {
    (globalThis as unknown as { lanGame: { setStick(x: unknown): void } }).lanGame.setStick(s ?? undefined);
  }, stick ?? null);

/** Send raw bytes to the host as this page (tests of the host's input checks); false when not in a room. */
export const sendRaw = (
  page: Page,
  bytes: Uint8Array,
  delivery: 'reliable' | 'unreliable' = 'reliable',
): Promise<boolean> =>
  page.evaluate(
    ([b, d]) =>
      (
        globalThis as unknown as {
          lanGame: { sendRaw(b: number[], d: 'reliable' | 'unreliable'): boolean };
        }
      ).lanGame.sendRaw(b, d),
    [[...bytes], delivery] as [number[], 'reliable' | 'unreliable'],
  );

/** Press dash once on the page. */
export const dash = (page: Page): Promise<void> =>
  page.evaluate(() => (globalThis as unknown as { lanGame: { dash(): void } }).lanGame.dash());

/**
 * Play like a (greedy) person for `ms`: ten times a second, steer the page's own disc towards the
 * nearest coin it draws, dashing when `dashes` is set and the coin is close; the stick is let go after.
 */
export const chaseCoins = (page: Page, ms: number, dashes = false): Promise<void> =>
  page.evaluate(
    ({ ms, dashes }) =>
      new Promise<void>((resolve) => {
        type Hooks = {
          state(): LanGameState;
          setStick(s: { dx: number; dy: number } | undefined): void;
          dash(): void;
        };
        const game = (globalThis as unknown as { lanGame: Hooks }).lanGame;
        const timer = setInterval(() => {
          const s = game.state();
          const me = s.discs.find((d) => d.self);
          if (!me) return;
          let best: { x: number; y: number } | undefined;
          for (const c of s.coins) {
            if (!best || Math.hypot(c.x - me.x, c.y - me.y) < Math.hypot(best.x - me.x, best.y - me.y))
              best = c;
          }
          if (!best) return game.setStick({ dx: 0, dy: 0 });
          const dx = best.x - me.x;
          const dy = best.y - me.y;
          const len = Math.hypot(dx, dy) || 1;
          game.setStick({ dx: Math.round((dx / len) * 127), dy: Math.round((dy / len) * 127) });
          if (dashes && len < 120) game.dash();
        }, 100);
        setTimeout(() => {
          clearInterval(timer);
          game.setStick({ dx: 0, dy: 0 });
          resolve();
        }, ms);
      }),
    { ms, dashes },
  );

/**
 * A new player: a fresh browser context (its own identity and storage) opening the join URL with
 * `name` in the fragment (`extra` adds fragment options such as `jitter=50`); resolves once the page
 * is in the game (lobby or round).
 */
export async function openPlayer(browser: Browser, joinUrl: string, name: string, extra = ''): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${joinUrl}&name=${encodeURIComponent(name)}${extra ? `&${extra}` : ''}`);
  await page.waitForFunction(() => 'lanGame' in globalThis);
  await until(
    () => pageState(page),
    (s) => s.screen === 'game' && s.session === 'playing',
    30_000,
  );
  return page;
}

/** The host's own discs and scores (its spectator view), from its loopback API. */
export async function hostView(game: GameProcess): Promise<{
  tick: number;
  phase: string;
  discs: DiscAt[];
  scores: Map<number, number>;
}> {
  const view = (await game.view()) as {
    snapshot: { tick: number; discs: { slot: number; x: number; y: number }[] };
    status: { phase: string; players: { slot: number; score: number }[] };
  };
  return {
    tick: view.snapshot.tick,
    phase: view.status.phase,
    discs: view.snapshot.discs.map(({ slot, x, y }) => ({ slot, x, y })),
    scores: new Map(view.status.players.map((p) => [p.slot, p.score])),
  };
}

/** The largest distance between a disc in `a` and the same slot's disc in `b` (Infinity if one is missing). */
export function largestGap(a: readonly DiscAt[], b: readonly DiscAt[]): number {
  let worst = 0;
  for (const d of a) {
    const other = b.find((o) => o.slot === d.slot);
    if (!other) return Number.POSITIVE_INFINITY;
    worst = Math.max(worst, Math.hypot(d.x - other.x, d.y - other.y));
  }
  return a.length === b.length ? worst : Number.POSITIVE_INFINITY;
}
