/**
 * The viewer the doorbell serves, in Firefox ESR (puppeteer-core over WebDriver BiDi) on another LAN
 * host: pairs with the PIN from the doorbell's terminal, decodes live video, gets a ring with its
 * snapshot within 500 ms.
 */
import { createLan, type Lan, type LanHost } from '@lanrtc/lan-harness';
import { launchFirefox } from '@lanrtc/lan-harness/firefox';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildViewer, type DoorbellProcess, startDoorbellIn } from '../support/doorbell-process.js';
import { framesOver, until, viewerAction, viewerState } from '../support/viewer-page.js';

describeLan('doorbell: the viewer it serves, in Firefox ESR on another host', () => {
  let lan: Lan;
  let doorbell: DoorbellProcess;
  let hostB: LanHost;
  const cleanup: (() => unknown)[] = [];
  beforeAll(async () => {
    const viewer = await buildViewer();
    cleanup.push(() => viewer.remove());
    lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [a, b] = lan.hosts as [LanHost, LanHost];
    hostB = b;
    doorbell = await startDoorbellIn(a, ['--viewer-dir', viewer.dir, '--address', a.ip]);
    cleanup.push(() => doorbell.stop());
  }, 90_000);
  afterAll(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
  }, 30_000);

  it('pairs with the PIN, decodes live video, gets a ring within 500 ms', async () => {
    const firefox = await launchFirefox(hostB.name, {
      puppeteer,
      prefs: { 'media.autoplay.default': 0, 'media.autoplay.blocking_policy': 0 },
    });
    cleanup.push(() => firefox.close());
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

    const from = doorbell.lines.length;
    doorbell.type('');
    await doorbell.next(/ring \S+ → 1 viewer/, { from });
    const ring = (
      await until(
        () => viewerState(page),
        (s) => s.rings.some((r) => !r.past),
      )
    ).rings.find((r) => !r.past);
    expect(ring?.jpegBytes).toBeGreaterThan(1000);
    const latency = (ring?.receivedAt ?? 0) - (ring?.at ?? 0);
    console.log(`Firefox: ring → viewer with a ${ring?.jpegBytes} B snapshot: ${latency} ms`);
    expect(latency).toBeLessThan(500);
  }, 90_000);
});
