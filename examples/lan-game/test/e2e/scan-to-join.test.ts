/**
 * "Joins by scanning one code", end to end: the host screen (the page at 127.0.0.1 on the host
 * machine) is shown in Chromium on the host, photographed, and its QR code decoded by an independent
 * decoder (zbarimg, as a phone's camera app would); the decoded link, opened in a browser on another
 * LAN host, lands in the game — the name form, then the lobby — and the host screen lists the player.
 * The Start button on the screen then starts the round.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { expect, it } from 'vitest';
import { useGameLan } from '../support/game-lan.js';
import { pageState, until } from '../support/player-page.js';

const run = promisify(execFile);

describeLan('lan-game: scan the host screen, join from another machine', () => {
  const fixture = useGameLan(['--name', 'Scan party']);

  it('the QR code on the host screen decodes to the join link, which joins the game', async () => {
    const { a, browser, game, cleanup } = fixture();
    // The host machine's own browser shows the screen (it is served on 127.0.0.1 only).
    const hostChromium = await launchChromium(a.name);
    cleanup(() => hostChromium.close());
    const screen = await hostChromium.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await screen.goto(game.screenUrl);
    await screen.waitForFunction(() => {
      const img = document.getElementById('qr') as HTMLImageElement | null;
      return img?.complete === true && img.naturalWidth > 0;
    });
    const dir = mkdtempSync(join(tmpdir(), 'lan-game-scan-'));
    cleanup(() => rmSync(dir, { recursive: true, force: true }));
    const photo = join(dir, 'screen.png');
    writeFileSync(photo, await screen.screenshot());
    const { stdout } = await run('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', photo]);
    const scanned = stdout.trim();
    expect(scanned).toBe(game.joinUrl);

    // The phone opens what it scanned: a name, then the lobby.
    const phone = await (await browser.newContext()).newPage();
    await phone.goto(scanned);
    await phone.waitForSelector('#name-input', { state: 'visible' });
    await phone.fill('#name-input', 'Scanner');
    await phone.click('#screen-name button[type=submit]');
    await until(
      () => pageState(phone),
      (s) => s.session === 'playing' && s.phase === 'lobby',
      30_000,
    );
    // The host screen lists the player, and its Start button starts the round for the phone.
    await screen.waitForFunction(
      () => document.getElementById('screen-players')?.textContent?.includes('Scanner'),
      undefined,
      {
        timeout: 10_000,
      },
    );
    await screen.click('#start');
    await until(
      () => pageState(phone),
      (s) => s.phase === 'countdown' || s.phase === 'playing',
      10_000,
    );
  }, 90_000);
});
