/**
 * The viewer the doorbell serves (`http://<doorbell>:8080/`, an insecure context) in real Chromium on
 * another LAN host, against the real doorbell program: first visit pairs with the PIN from the
 * terminal and shows live video; a ring (Enter) arrives with its snapshot within 500 ms; a reload
 * opens straight to video; an unpaired page gets neither video nor rings; two viewers, one leaves,
 * the other keeps decoding; a revoked viewer is refused.
 */
import type { LanHost } from '@lanrtc/lan-harness';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { useDoorbellLan } from '../support/doorbell-lan.js';
import { type DoorbellProcess, localApi } from '../support/doorbell-process.js';
import { framesOver, ringFromTerminal, until, viewerAction, viewerState } from '../support/viewer-page.js';

describeLan('doorbell: the viewer it serves, in Chromium on another host', () => {
  const fixture = useDoorbellLan(['--name', 'Front door']);
  let hostA: LanHost;
  let doorbell: DoorbellProcess;
  let browser: Browser;
  beforeAll(async () => {
    ({ a: hostA, doorbell } = fixture());
    const chromium = await launchChromium(fixture().b.name, ['--autoplay-policy=no-user-gesture-required']);
    browser = chromium.browser;
    fixture().cleanup(() => chromium.close());
  }, 30_000);

  /** A fresh browser profile (its own identity) on the doorbell's page. */
  async function visit(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(doorbell.url);
    await page.waitForFunction(() => 'doorbellViewer' in globalThis);
    return page;
  }
  const live = (page: Page) =>
    until(
      () => viewerState(page),
      (s) => s.screen === 'live' && s.connection === 'live' && s.video.width > 0,
    );

  it('pairs with the PIN, plays live video, gets a ring with its snapshot within 500 ms, reopens with no PIN', async () => {
    const page = await visit();
    expect(
      await until(
        () => viewerState(page),
        (s) => s.screen === 'pair',
      ),
    ).toMatchObject({ mode: 'device-served' });
    expect(await viewerAction(page, 'enterPin', doorbell.pin())).toEqual({ ok: true });
    const state = await live(page);
    expect(state.video).toMatchObject({ width: 640, height: 480 });
    expect(await framesOver(page)).toBeGreaterThan(10);

    const { ring, latencyMs } = await ringFromTerminal(doorbell, page); // Enter rings
    expect(ring.jpegBytes).toBeGreaterThan(1000);
    console.log(`ring → viewer with a ${ring.jpegBytes} B snapshot: ${latencyMs} ms`);
    expect(latencyMs).toBeLessThan(500);

    // The local API rings too (a button's script on the device).
    const posted = await localApi(hostA, 'POST', '/ring');
    expect(posted).toMatchObject({ status: 200, body: { viewers: 1 } });
    const postedId = (posted.body as { id: string }).id;
    await until(
      () => viewerState(page),
      (s) => s.rings.some((r) => r.id === postedId && r.jpegBytes > 1000),
    );

    // Reload: paired, so straight to video; the ring is in the history.
    await page.reload();
    await page.waitForFunction(() => 'doorbellViewer' in globalThis);
    const again = await live(page);
    expect(again.rings.some((r) => r.past && r.id === ring?.id)).toBe(true);
    await page.close({ runBeforeUnload: true }); // the tab is closed: it says goodbye
    await page.context().close();
  }, 60_000);

  it('an unpaired page gets no video and no ring', async () => {
    const page = await visit();
    await until(
      () => viewerState(page),
      (s) => s.screen === 'pair',
    );
    const from = doorbell.lines.length;
    doorbell.type('');
    await doorbell.next(/ring \S+ → \d+ viewer/, { from });
    await new Promise((r) => setTimeout(r, 1_000));
    const state = await viewerState(page);
    expect(state).toMatchObject({ screen: 'pair', rings: [], video: { width: 0, framesPresented: 0 } });
    // A wrong PIN is refused and changes nothing.
    const wrong = doorbell.pin() === '135792' ? '246801' : '135792';
    expect(await viewerAction(page, 'enterPin', wrong)).toMatchObject({
      ok: false,
      error: 'PairingFailedError',
    });
    expect((await viewerState(page)).video.framesPresented).toBe(0);
    await page.context().close();
  }, 60_000);

  it('two viewers: one leaves, the other keeps decoding; a revoked viewer is refused', async () => {
    const [one, two] = [await visit(), await visit()];
    for (const page of [one, two]) {
      await until(
        () => viewerState(page),
        (s) => s.screen === 'pair',
      );
      const pin = doorbell.pin();
      expect(await viewerAction(page, 'enterPin', pin)).toEqual({ ok: true });
      await live(page);
      // The PIN rotates after each pairing: the next page gets the next one.
      await until(
        async () => doorbell.pin(),
        (p) => p !== pin,
        5_000,
      );
    }
    await until(
      () => viewerState(two),
      (s) => s.viewers === 2,
    );
    const from = doorbell.lines.length;
    await one.close({ runBeforeUnload: true });
    await doorbell.next(/left .* — 1 watching/, { from });
    expect(await framesOver(two)).toBeGreaterThan(10);
    await until(
      () => viewerState(two),
      (s) => s.viewers === 1,
    );

    // Revoke the second viewer by its id (from the doorbell's list): it is dropped and cannot come back.
    const listFrom = doorbell.lines.length;
    doorbell.type('l');
    const watching = await doorbell.next(/^ {2}(\S+).* — watching/, { from: listFrom });
    const revokeFrom = doorbell.lines.length;
    doorbell.type(`r ${watching[1]}`);
    await doorbell.next(/^revoked /, { from: revokeFrom });
    await until(
      () => viewerState(two),
      (s) => s.connection !== 'live',
    );
    await two.reload();
    await two.waitForFunction(() => 'doorbellViewer' in globalThis);
    const refused = await until(
      () => viewerState(two),
      (s) => s.lastError !== undefined || s.screen === 'pair',
      20_000,
    );
    expect(refused.video.framesPresented).toBe(0);
    expect(refused.connection).not.toBe('live');
    await two.context().close();
  }, 90_000);

  it('the local API answers what it knows and refuses the rest', async () => {
    const viewers = await localApi(hostA, 'GET', '/viewers');
    expect(viewers.status).toBe(200);
    expect((viewers.body as unknown[]).length).toBeGreaterThanOrEqual(2); // the paired pages above, one revoked
    expect(await localApi(hostA, 'DELETE', '/viewers/zzzzzzzz')).toMatchObject({
      status: 404,
      body: { error: 'UnknownViewerError' },
    });
    expect(await localApi(hostA, 'GET', '/ring')).toMatchObject({ status: 405 });
    expect(await localApi(hostA, 'GET', '/nothing')).toMatchObject({ status: 404 });
    expect(await localApi(hostA, 'GET', '/status')).toMatchObject({
      status: 200,
      body: { name: 'Front door', stats: { watching: 0 } },
    });
  });
});
