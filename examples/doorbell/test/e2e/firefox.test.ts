/**
 * The viewer the doorbell serves, in Firefox ESR (puppeteer-core over WebDriver BiDi) on another LAN
 * host: pairs with the PIN from the doorbell's terminal, decodes live video, gets a ring with its
 * snapshot within 500 ms.
 */
import { launchFirefox } from '@lanrtc/lan-harness/firefox';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import puppeteer from 'puppeteer-core';
import { expect, it } from 'vitest';
import { useDoorbellLan } from '../support/doorbell-lan.js';
import { framesOver, ringFromTerminal, until, viewerAction, viewerState } from '../support/viewer-page.js';

describeLan('doorbell: the viewer it serves, in Firefox ESR on another host', () => {
  const fixture = useDoorbellLan();

  it('pairs with the PIN, decodes live video, gets a ring within 500 ms', async () => {
    const { doorbell, b: hostB } = fixture();
    const firefox = await launchFirefox(hostB.name, {
      puppeteer,
      prefs: { 'media.autoplay.default': 0, 'media.autoplay.blocking_policy': 0 },
    });
    fixture().cleanup(() => firefox.close());
    const page = await firefox.browser.newPage();
    await page.goto(doorbell.url);
    await page.waitForFunction(() => 'doorbellViewer' in globalThis, { timeout: 15_000 });
    expect(await page.evaluate(() => navigator.userAgent)).toMatch(/Firefox\//);
    await until(
      () => viewerState(page),
      (s) => s.screen === 'pair',
    );
    expect(await viewerAction(page, 'enterPin', doorbell.pin())).toEqual({ ok: true });
    const live = await until(
      () => viewerState(page),
      (s) => s.screen === 'live' && s.video.width > 0,
      20_000,
    );
    expect(live.video).toMatchObject({ width: 640, height: 480 });
    expect(await framesOver(page)).toBeGreaterThan(10);

    const { ring, latencyMs } = await ringFromTerminal(doorbell, page); // Enter rings
    expect(ring.jpegBytes).toBeGreaterThan(1000);
    console.log(`Firefox: ring → viewer with a ${ring.jpegBytes} B snapshot: ${latencyMs} ms`);
    expect(latencyMs).toBeLessThan(500);
  }, 90_000);
});
