/**
 * TEST-ONLY: the fixture of the game's e2e tests — a fresh page build, a LAN of two hosts, the real
 * game host program on host A serving that build, and one Chromium on host B where the players'
 * pages run (one browser context per player: each has its own identity in its own IndexedDB).
 * Everything is torn down after the file's tests (and whatever a test adds with `cleanup`).
 */
import { createLan, type Lan, type LanHost } from '@lanrtc/lan-harness';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildClient, type GameProcess, startGameIn } from './game-process.js';

/** What the fixture gives a test once `beforeAll` ran. */
export interface GameLan {
  readonly lan: Lan;
  readonly a: LanHost;
  readonly b: LanHost;
  readonly game: GameProcess;
  /** The players' Chromium on host B (absent when the fixture was asked for none). */
  readonly browser: Browser;
  readonly clientDir: string;
  /** Run `fn` at teardown (in reverse order of registration). */
  cleanup(fn: () => unknown): void;
}

/**
 * Register the fixture in the current `describe`; `args` are the host's options besides the page and
 * address; `chromium: false` skips the players' browser (a test that needs none).
 */
export function useGameLan(args: readonly string[] = [], opts: { chromium?: boolean } = {}): () => GameLan {
  const undo: (() => unknown)[] = [];
  let fixture: GameLan | undefined;
  beforeAll(async () => {
    const client = await buildClient();
    undo.push(() => client.remove());
    const lan = await createLan({ hosts: 2 });
    undo.push(() => lan.close());
    const [a, b] = lan.hosts as [LanHost, LanHost];
    const game = await startGameIn(a, ['--client-dir', client.dir, '--bind', a.ip, ...args]);
    undo.push(() => game.stop());
    const chromium = opts.chromium === false ? undefined : await launchChromium(b.name);
    if (chromium) undo.push(() => chromium.close());
    fixture = {
      lan,
      a,
      b,
      game,
      get browser(): Browser {
        if (!chromium) throw new Error('this fixture was made without Chromium');
        return chromium.browser;
      },
      clientDir: client.dir,
      cleanup: (fn) => undo.push(fn),
    };
  }, 90_000);
  afterAll(async () => {
    if (fixture) console.log(`game host events:\n${fixture.game.lines.slice(-40).join('\n')}`);
    for (const fn of undo.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined);
  }, 30_000);
  return () => {
    if (!fixture) throw new Error('the game LAN is not up (beforeAll failed)');
    return fixture;
  };
}
