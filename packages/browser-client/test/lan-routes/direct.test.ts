/**
 * End to end on a namespace LAN: a page on a secure origin (`http://localhost` in the browser's own
 * LAN host, not the device) pairs with a Node device from its pairing card by direct connect, opens
 * an HTTP client on that connection, and through its service worker's `/lan/cam/…` shows what the
 * device's plain node:http server ("legacy", it knows nothing of lanrtc) serves behind
 * `exposeHttp`: JSON, an `<img>`, and a `<video>` that plays and seeks by Range (206); a body the
 * page drops stops the device's upstream request.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterAll, expect, it } from 'vitest';
import { bundleForBrowser, launchChromium, pageCaller } from '../helpers/chromium.js';
import { serveInHost } from '../qr-e2e/harness.js';
import { deviceLines } from '../relay-e2e/harness.js';
import type { LanE2ePage } from './e2e-page.js';
import { makeMedia } from './media.js';

const here = dirname(fileURLToPath(import.meta.url));
const call = pageCaller<LanE2ePage>('lanE2e');

describeLan('/lan/ routes end to end: secure-origin page → paired Node device → legacy web server', () => {
  const cleanup: (() => unknown)[] = [];
  afterAll(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  it('shows the device’s JSON, image and a seekable video through /lan/cam/; a dropped body stops the upstream request', async () => {
    const t0 = performance.now();
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-lan-e2e-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    makeMedia(dir);
    const [app, sw] = await Promise.all([
      bundleForBrowser(join(here, 'e2e-page.ts')),
      bundleForBrowser(join(here, 'sw.ts')),
    ]);
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>',
    );
    writeFileSync(join(dir, 'app.js'), app);
    writeFileSync(join(dir, 'sw.js'), sw);
    const lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [hostA, hostB] = lan.hosts;
    if (!hostA || !hostB) throw new Error('LAN has fewer than 2 hosts');
    const device = deviceLines(hostA.node(join(here, 'device.ts'), [hostA.ip, dir]));
    const { pairingText } = (await device.next((l) => l.ready === true)) as { pairingText: string };
    /** Wait for a device line; a timeout says what the device printed so far. */
    const line = (match: (l: Record<string, unknown>) => boolean) =>
      device.next(match).catch((error: Error) => {
        throw new Error(`${error.message}; device lines: ${JSON.stringify(device.lines)}`);
      });
    const url = await serveInHost(hostB, dir);
    const chromium = await launchChromium(hostB.name, ['--autoplay-policy=no-user-gesture-required']);
    cleanup.push(() => chromium.close());
    const page = await (await chromium.browser.newContext()).newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'lanE2eReady' in globalThis);

    expect(await call(page, 'connect', pairingText)).toMatchObject({ paired: true, secure: true });
    await line((l) => 'connection' in l);
    const json = await call(page, 'get', '/lan/cam/api/status');
    expect(json).toMatchObject({ status: 200, type: 'application/json' });
    expect(JSON.parse(json.text)).toEqual({ device: 'legacy camera', recording: true });
    expect(await call(page, 'image', '/lan/cam/img.png')).toBe(64);
    const v = await call(page, 'video', '/lan/cam/video.webm', 6);
    expect(v.width).toBe(160);
    expect(v.before).toBeLessThan(2);
    expect(v.after).toBeGreaterThanOrEqual(5.9);
    expect(v.frameMediaTime).toBeGreaterThanOrEqual(5.9);
    // The device answered the video's range requests with 206 (the legacy server's own answer).
    const requests = device.lines.filter((l) => 'request' in l);
    expect(requests.some((l) => l.request === '/video.webm' && l.status === 206)).toBe(true);
    expect(await call(page, 'get', '/lan/other/api/status')).toMatchObject({ status: 404 });
    // Dropping a body in the page stops the device's upstream request.
    expect(await call(page, 'readOne', '/lan/cam/endless')).toBeGreaterThan(0);
    await call(page, 'cancelPending');
    await line((l) => l.upstreamClosed === '/endless');
    // exposeHttp records it as cancelled, or as failed when the upstream's abort error is seen first.
    const ended = await line((l) => l.request === '/endless');
    expect(['cancelled', 'failed']).toContain(ended.outcome);
    console.log(
      JSON.stringify({
        test: 'lan routes e2e',
        requests: requests.length,
        ranged: requests.filter((l) => l.status === 206).length,
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 90_000);
});
