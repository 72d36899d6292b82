/**
 * A round as people play it: the real host program on one LAN host, four players' pages in Chromium
 * on another (each its own browser profile, so its own identity). They join from the join URL — the
 * first by typing its name in the form — agree on who is in the room, play a round driven through
 * the pages' own controls, and end up where the host says: every page's view of every disc within a
 * few units of the host's once they stop, the same scores at the round's end. One player closes its
 * tab and opens the link again: back in the running round with its score, nothing typed. The host
 * quits: every page says the host left.
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { useGameLan } from '../support/game-lan.js';
import {
  chaseCoins,
  dash,
  hostView,
  largestGap,
  openPlayer,
  pageState,
  setStick,
  until,
} from '../support/player-page.js';

/** At rest, a page draws every disc within this many world units of the host's (a disc's radius is 18). */
const AT_REST_TOLERANCE = 3;
const NAMES = ['Ann', 'Bob', 'Cy', 'Di'] as const;

describeLan('lan-game: host + 4 players in Chromium on the LAN', () => {
  const fixture = useGameLan(['--round-seconds', '20', '--name', 'Test party']);
  const pages: Page[] = [];

  const views = () => Promise.all(pages.map(pageState));

  it('four players join from the link (one types its name) and every page agrees on who is in', async () => {
    const { browser, game } = fixture();
    // The first player as a person does it: opens the link, types a name in the form.
    const first = await (await browser.newContext()).newPage();
    await first.goto(game.joinUrl);
    await first.waitForSelector('#name-input', { state: 'visible' });
    await first.fill('#name-input', NAMES[0]);
    await first.click('#screen-name button[type=submit]');
    await until(
      () => pageState(first),
      (s) => s.session === 'playing' && s.screen === 'game',
      30_000,
    );
    pages.push(first);
    for (const name of NAMES.slice(1)) pages.push(await openPlayer(browser, game.joinUrl, name));

    const status = await until(
      () => game.status(),
      (s) => s.players.filter((p) => p.connected).length === 4,
    );
    const hostMembers = status.players.map((p) => `${p.slot}:${p.id}:${p.name}`).sort();
    expect(status.players.map((p) => p.name).sort()).toEqual([...NAMES].sort());
    // Every page lists the same four, with the host's ids, names and slots (colours).
    const seen = await until(views, (all) => all.every((s) => s.members.length === 4));
    for (const s of seen)
      expect(s.members.map((m) => `${m.slot}:${m.id}:${m.name}`).sort()).toEqual(hostMembers);
    // Each page knows which one is itself, and it is a different one.
    expect(new Set(seen.map((s) => s.myId)).size).toBe(4);
    // Pings are measured for every player (the room's heartbeat).
    await until(views, (all) => all.every((s) => s.members.every((m) => typeof m.pingMs === 'number')));
  }, 90_000);

  it('a round: after moving and dashing, every page draws every disc where the host has it; scores agree at the end', async () => {
    const { game } = fixture();
    game.type(''); // Enter starts the round
    await until(views, (all) => all.every((s) => s.phase === 'playing'), 15_000);

    // Every page plays for ~5 s: first each in its own direction with a dash, then chasing coins.
    const directions = [
      [127, 0],
      [0, 127],
      [-127, 0],
      [0, -127],
    ] as const;
    await Promise.all(
      pages.map(async (page, i) => {
        const [dx, dy] = directions[i % directions.length] ?? [0, 0];
        await setStick(page, { dx, dy });
        await dash(page);
      }),
    );
    await new Promise((r) => setTimeout(r, 600));
    await Promise.all(pages.map((page, i) => chaseCoins(page, 4500, i % 2 === 0)));
    const moved = await views();
    for (const s of moved) expect(s.counters.inputsSent).toBeGreaterThan(100);
    // Greedy players pick up coins: the final comparison is between real scores, not zeros.
    expect(
      moved.reduce((sum, s) => sum + (s.members.find((m) => m.id === s.myId)?.score ?? 0), 0),
    ).toBeGreaterThan(0);

    // The sticks are let go: the discs glide to a stop; then every page's view must match the host's.
    await new Promise((r) => setTimeout(r, 1500));
    const host = await hostView(game);
    expect(host.phase).toBe('playing');
    expect(host.discs).toHaveLength(4);
    const settled = await views();
    const gaps = settled.map((s) => largestGap(s.discs, host.discs));
    const starved = settled.map((s) => (s.counters.framesStarved ?? 0) / (s.counters.framesDrawn ?? 1));
    console.log(
      `largest gap page ↔ host at rest, per page: ${gaps.map((g) => g.toFixed(2)).join(', ')} units; ` +
        `frames with a dry buffer: ${starved.map((x) => `${(x * 100).toFixed(1)} %`).join(', ')}`,
    );
    for (const gap of gaps) expect(gap).toBeLessThan(AT_REST_TOLERANCE);
    // Nobody stood still the whole time: the discs are not all where they spawned.
    expect(new Set(host.discs.map((d) => `${Math.round(d.x)},${Math.round(d.y)}`)).size).toBe(4);

    // The round ends by its clock; then every page shows the host's final scores.
    const ended = await until(
      () => game.status(),
      (s) => s.phase === 'ended',
      25_000,
    );
    const finalScores = ended.players.map((p) => `${p.slot}:${p.score}`).sort();
    const pagesEnded = await until(views, (all) => all.every((s) => s.phase === 'ended'));
    for (const s of pagesEnded)
      expect(s.members.map((m) => `${m.slot}:${m.score}`).sort()).toEqual(finalScores);
    console.log(`round over: ${ended.players.map((p) => `${p.name} ${p.score}`).join(', ')}`);
    // The host refused nothing from honest pages.
    expect(Object.values(ended.rejected).reduce((a, b) => a + b, 0)).toBe(0);
  }, 90_000);

  it('a player closes the tab and opens the link again: back in the running round with its score, nothing typed', async () => {
    const { game } = fixture();
    game.type('');
    await until(views, (all) => all.every((s) => s.phase === 'playing'), 15_000);
    // Earn something first, so "with its score" means a number above zero.
    const leaver = pages[1] as Page;
    let before = await pageState(leaver);
    for (
      let tries = 0;
      tries < 6 && (before.members.find((m) => m.id === before.myId)?.score ?? 0) === 0;
      tries++
    ) {
      await chaseCoins(leaver, 1000);
      before = await pageState(leaver);
    }
    expect(before.members.find((m) => m.id === before.myId)?.score ?? 0).toBeGreaterThan(0);
    const id = before.myId;
    const context = leaver.context();
    await leaver.close({ runBeforeUnload: true });
    await until(
      () => game.status(),
      (s) => s.players.some((p) => p.id === id && !p.connected),
      8_000,
    );
    const scoreWhileAway = (await game.status()).players.find((p) => p.id === id)?.score;

    // Same browser profile, the plain join URL (no name in it): the name and identity are remembered.
    const again = await context.newPage();
    const reopened = Date.now();
    await again.goto(game.joinUrl);
    const back = await until(
      () => pageState(again),
      (s) => s.session === 'playing' && s.phase === 'playing' && s.myId === id,
      30_000,
    );
    console.log(`tab reopened → back in the round: ${Date.now() - reopened} ms`);
    expect(back.screen).toBe('game'); // never the name form
    const status = await game.status();
    const me = status.players.find((p) => p.id === id);
    expect(me).toMatchObject({ connected: true, name: NAMES[1] });
    expect(me?.score).toBeGreaterThanOrEqual(scoreWhileAway ?? 0);
    expect(back.members.find((m) => m.id === id)?.score).toBe(me?.score);
    pages[1] = again;
  }, 90_000);

  it('the host quits: every page says the host left, and the host exits cleanly', async () => {
    const { game } = fixture();
    game.type('q');
    const over = await until(views, (all) => all.every((s) => s.session === 'over'), 10_000);
    for (const s of over) expect(s.overMessage).toMatch(/host left/i);
    expect(await game.stop()).toBe(0);
  }, 30_000);
});
