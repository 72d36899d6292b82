/**
 * A bad network: 5 % of the UDP the players' host sends and receives dropped by nftables (the WebRTC
 * traffic; this kernel has no netem), and every message a page receives delayed by a random 0–50 ms
 * (the page's own network-simulation option, `jitter=50`). Three players chase coins for a few
 * seconds: the game stays consistent and smooth — every page draws every disc where the host has it
 * once they stop, the scores agree, and fewer than 3 % of the snapshots left a gap longer than the
 * interpolation buffer (it rode out lost and late snapshots). Gaps the host made itself (a busy
 * machine stalls its loop) are counted apart: they are not the network's.
 */
import { droppedUdp, dropUdp } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { useGameLan } from '../support/game-lan.js';
import { chaseCoins, hostView, largestGap, openPlayer, pageState, until } from '../support/player-page.js';

/** At rest, a page draws every disc within this many world units of the host's (a disc's radius is 18). */
const AT_REST_TOLERANCE = 3;
/**
 * The share of snapshots that may arrive later than the interpolation delay after the one before
 * although the host sent them on time: each such gap can leave the other discs standing still.
 */
const MAX_LATE_GAP_SHARE = 0.03;

describeLan('lan-game: 5 % UDP loss and 0–50 ms jitter at the players', () => {
  const fixture = useGameLan(['--round-seconds', '20']);

  it('three players stay consistent with the host and smooth: positions at rest, scores, few gaps past the interpolation buffer', async () => {
    const { browser, game, b } = fixture();
    const removeLoss = await dropUdp(b, { percent: 5, direction: 'both' });
    const pages: Page[] = [];
    for (const name of ['Eve', 'Fay', 'Gus'])
      pages.push(await openPlayer(browser, game.joinUrl, name, 'jitter=50'));
    const views = () => Promise.all(pages.map(pageState));
    await until(
      () => game.status(),
      (s) => s.players.filter((p) => p.connected).length === 3,
    );
    game.type('');
    await until(views, (all) => all.every((s) => s.phase === 'playing'), 15_000);
    await Promise.all(pages.map((page, i) => chaseCoins(page, 6000, i === 0)));
    await new Promise((r) => setTimeout(r, 1500)); // the discs glide to a stop

    const host = await hostView(game);
    const settled = await views();
    const gaps = settled.map((s) => largestGap(s.discs, host.discs));
    const corrections = settled.map((s) => s.counters.maxCorrection ?? Number.NaN);
    const starved = settled.map((s) => (s.counters.framesStarved ?? 0) / (s.counters.framesDrawn ?? 1));
    const late = settled.map((s) => (s.counters.lateGaps ?? 0) / (s.counters.snapshots ?? 1));
    const dropped = await droppedUdp(b);
    console.log(
      `UDP dropped by nftables: ${dropped}; delayed by the page shim: ${settled.map((s) => s.counters.simDelayed).join(', ')}; ` +
        `largest gap at rest: ${gaps.map((g) => g.toFixed(2)).join(', ')}; largest own correction: ${corrections.map((c) => c.toFixed(1)).join(', ')} units; ` +
        `frames with a dry buffer: ${starved.map((x) => `${(x * 100).toFixed(1)} %`).join(', ')}; ` +
        `late gaps: ${late.map((x) => `${(x * 100).toFixed(1)} %`).join(', ')} of the snapshots; ` +
        `host gaps: ${settled.map((s) => s.counters.hostGaps).join(', ')}`,
    );
    expect(dropped).toBeGreaterThan(10); // the loss was real
    for (const s of settled) expect(s.counters.simDelayed).toBeGreaterThan(100); // so was the jitter
    for (const gap of gaps) expect(gap).toBeLessThan(AT_REST_TOLERANCE);
    for (const s of settled) expect(s.counters.snapshots).toBeGreaterThan(200);
    for (const x of late) expect(x).toBeLessThan(MAX_LATE_GAP_SHARE);
    expect(host.discs).toHaveLength(3);

    const ended = await until(
      () => game.status(),
      (s) => s.phase === 'ended',
      25_000,
    );
    const finalScores = ended.players.map((p) => `${p.slot}:${p.score}`).sort();
    expect(ended.players.reduce((sum, p) => sum + p.score, 0)).toBeGreaterThan(0);
    const pagesEnded = await until(views, (all) => all.every((s) => s.phase === 'ended'));
    for (const s of pagesEnded)
      expect(s.members.map((m) => `${m.slot}:${m.score}`).sort()).toEqual(finalScores);
    await removeLoss();
  }, 120_000);
});
