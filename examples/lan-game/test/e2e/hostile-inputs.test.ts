/**
 * The host is the authority: a real player's page that sends impossible inputs — for another
 * player's disc, for a slot nobody has, a stick longer than full (a speed hack), bytes that are no
 * message at all — moves nothing it should not, and the host counts each by its reason. The honest
 * players' game goes on. (Replays, sequence jumps and floods: test/game-host.test.ts.)
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { expect, it } from 'vitest';
import { encodeInput } from '../../src/shared/codec-client.js';
import { useGameLan } from '../support/game-lan.js';
import { hostView, openPlayer, pageState, sendRaw, until } from '../support/player-page.js';

describeLan('lan-game: impossible inputs from a real page', () => {
  const fixture = useGameLan(['--round-seconds', '30']);

  it('are refused and counted by reason; no disc moves for them', async () => {
    const { browser, game } = fixture();
    const cheat = await openPlayer(browser, game.joinUrl, 'Mallory');
    const honest = await openPlayer(browser, game.joinUrl, 'Trent');
    const cheatSlot = (await pageState(cheat)).mySlot ?? -1;
    const honestSlot = (await pageState(honest)).mySlot ?? -1;
    expect(cheatSlot).toBeGreaterThanOrEqual(0);
    expect(honestSlot).not.toBe(cheatSlot);
    game.type('');
    await until(
      () => pageState(honest),
      (s) => s.phase === 'playing',
    );
    const before = await hostView(game);
    const honestBefore = before.discs.find((d) => d.slot === honestSlot);

    const push = (slot: number, seq: number, dx: number, dy: number) =>
      sendRaw(cheat, encodeInput({ slot, inputs: [{ seq, dx, dy, dash: true }] }));
    // Inputs for the other player's disc: 30 of them, full stick, as if steering Trent away.
    for (let k = 0; k < 30; k++) expect(await push(honestSlot, 1_000_000 + k, 127, 127)).toBe(true);
    // A slot no one holds.
    expect(await push(7, 2_000_000, 127, 0)).toBe(true);
    // Its own slot, but a stick longer than full (127, 127 is √2 times full): a speed hack.
    expect(await push(cheatSlot, 3_000_000, 127, 127)).toBe(true);
    // Bytes that are no message.
    expect(await sendRaw(cheat, new Uint8Array([0x7f, 1, 2, 3]))).toBe(true);

    const status = await until(
      () => game.status(),
      (s) => s.rejected['other-player'] >= 30 && s.rejected['spoofed-slot'] >= 1 && s.rejected.speed >= 1,
    );
    expect(status.rejected.malformed).toBeGreaterThanOrEqual(1);
    console.log(`host refused: ${JSON.stringify(status.rejected)}`);
    // Trent never touched his controls: his disc is where it was (he was steered by no one).
    const after = await hostView(game);
    const honestAfter = after.discs.find((d) => d.slot === honestSlot);
    expect(honestAfter).toBeDefined();
    expect(
      Math.hypot(
        (honestAfter?.x ?? 0) - (honestBefore?.x ?? 0),
        (honestAfter?.y ?? 0) - (honestBefore?.y ?? 0),
      ),
    ).toBeLessThan(1);
    // Both are still in the game.
    expect(status.players.filter((p) => p.connected)).toHaveLength(2);
  }, 90_000);
});
