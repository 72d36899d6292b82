/**
 * The example end to end on a namespace LAN: host A runs a plain node:http server (the "legacy
 * device") and the real CLI `lanrtc expose` in front of it, granting `/api` and `/media`; host B runs
 * the example's own page server on `http://localhost` (a secure origin) and Chromium. The page is
 * driven as a person would: paste the card expose printed, type its PIN, then open paths. It shows
 * JSON, an image, a video that plays and seeks (206 from the legacy server), a 403 with the grant
 * command, refuses smuggled paths, stops the upstream request of a body it drops, streams 100 MiB
 * intact with a flat page heap, and after a reload
 * reconnects with no PIN. The legacy server never sees a request outside the grant.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan } from '@lanrtc/lan-harness';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterAll, expect, it } from 'vitest';
import { type ChildLine, childLines } from '../../../../test/kit/child-lines.js';
import { makeMedia } from '../../../../test/kit/media.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = fileURLToPath(new URL('../../../../packages/cli/src/main.ts', import.meta.url));
const ORIGIN = join(here, '..', 'support', 'origin.ts');
const SERVE = join(here, '..', '..', 'src', 'serve.ts');

describeLan('lan-web: a paired page shows an unmodified web server behind lanrtc expose', () => {
  const cleanup: (() => unknown)[] = [];
  afterAll(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  it('pairs by PIN; shows JSON, an image, a seekable video; 403 and smuggling refused; reconnects without PIN', async () => {
    const t0 = performance.now();
    const tmp = (prefix: string) => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    };
    const [media, page, config] = [tmp('lan-web-media-'), tmp('lan-web-page-'), tmp('lan-web-config-')];
    makeMedia(media);
    const { build } = await import('vite');
    await build({
      configFile: join(here, '..', '..', 'vite.config.ts'),
      logLevel: 'silent',
      build: { outDir: page },
    });

    const lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [a, b] = lan.hosts;
    if (!a || !b) throw new Error('LAN has fewer than 2 hosts');
    const origin = childLines(a.node(ORIGIN, [media]));
    const port = Number((await origin.next((l) => typeof l.port === 'number', { what: 'origin port' })).port);
    const expose = childLines(
      a.node(CLI, [
        ...['expose', `http://127.0.0.1:${port}`, '--path', '/api', '--path', '/media', '--pin'],
        ...['--name', 'Cam', '--address', a.ip, '--port', '0', '--config', config, '--no-qr'],
      ]),
    );
    const textLine = (re: RegExp) => (l: ChildLine) => typeof l.text === 'string' && re.test(l.text);
    const after = (l: ChildLine, prefix: string) => String(l.text).slice(prefix.length);
    const card = after(await expose.next(textLine(/^card: LR1:/), { what: 'card' }), 'card: ');
    const pin = after(await expose.next(textLine(/^PIN: \d{6}$/), { what: 'PIN' }), 'PIN: ');
    const served = childLines(b.node(SERVE, ['--port', '0', '--dir', page]));
    const opened = await served.next(textLine(/^lan-web: open http:\/\/localhost:\d+\//), {
      what: 'page URL',
    });
    const pagePort = Number(/localhost:(\d+)/.exec(String(opened.text))?.[1]);

    const chromium = await launchChromium(b.name, ['--autoplay-policy=no-user-gesture-required']);
    cleanup.push(() => chromium.close());
    const tab = await (await chromium.browser.newContext()).newPage();
    await tab.goto(`http://localhost:${pagePort}/`);
    // First contact: paste the card, then the PIN.
    await tab.fill('#card-text', card);
    await tab.click('#card-submit');
    await tab.fill('#pin', pin);
    await tab.click('#pin-submit');
    await tab.waitForSelector('#screen-device:not([hidden])');
    const device = await tab.evaluate(
      () => JSON.parse(localStorage.getItem('lan-web/devices/v1') ?? '[]')[0]?.id,
    );
    expect(typeof device).toBe('string');
    expect(await tab.textContent('#device-state')).toContain('paired now');
    // The page opens / first: not granted, so the problem bar says which grant and how to add it.
    await tab.waitForSelector('#problem:not([hidden])');
    const problem = await tab.textContent('#problem');
    expect(problem).toContain('403');
    expect(problem).toMatch(/no http:web grant/);
    expect(problem).toMatch(/lanrtc peers grant \S+ http:web \//);

    const open = async (path: string) => {
      await tab.fill('#path', path);
      await tab.click('#path-form button');
      await tab.waitForFunction(
        (p) => document.getElementById('preview-head')?.textContent?.startsWith(`${p}: `),
        path,
      );
    };
    await open('/api/status.json');
    expect(JSON.parse((await tab.textContent('#preview-body pre')) ?? '')).toEqual({
      device: 'legacy camera',
      recording: true,
    });
    expect(await tab.isHidden('#problem')).toBe(true);

    await open('/media/img.png');
    const width = await tab.evaluate(async () => {
      const img = document.querySelector<HTMLImageElement>('#preview-body img');
      await img?.decode();
      return img?.naturalWidth ?? 0;
    });
    expect(width).toBe(64);
    const download = await tab.getAttribute('#preview-head a', 'href');
    expect(download).toMatch(/lanrtc-download=img\.png$/);
    const saved = await tab.evaluate(async (href) => {
      const r = await fetch(href);
      return { disposition: r.headers.get('content-disposition'), bytes: (await r.arrayBuffer()).byteLength };
    }, download ?? '');
    expect(saved.disposition).toMatch(/^attachment; filename\*=UTF-8''img\.png$/);
    expect(saved.bytes).toBeGreaterThan(0);

    await open('/media/video.webm');
    const video = await tab.evaluate(async () => {
      const v = document.querySelector<HTMLVideoElement>('#preview-body video');
      if (!v) throw new Error('no video element');
      v.muted = true;
      await v.play();
      await new Promise((r) => v.requestVideoFrameCallback(r));
      const before = v.currentTime;
      const seeked = new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      v.currentTime = 6;
      await seeked;
      const frame = await new Promise<number>((r) => v.requestVideoFrameCallback((_, m) => r(m.mediaTime)));
      return { before, after: v.currentTime, frame, width: v.videoWidth };
    });
    expect(video.width).toBe(160);
    expect(video.before).toBeLessThan(2);
    expect(video.after).toBeGreaterThanOrEqual(5.9);
    expect(video.frame).toBeGreaterThanOrEqual(5.9);

    // A device page in the Site iframe: its relative <img> loads through /lan/ too, at once (the
    // bridge never waits on the iframe's document, which cannot answer for a route).
    await open('/media/');
    // The list is drawn from the listing once it arrived, after the preview head.
    await tab.waitForSelector('#files button');
    expect(await tab.$$eval('#files button', (bs) => bs.map((b) => b.textContent))).toEqual(['video']);
    const siteMs = await tab.evaluate(async () => {
      const t = performance.now();
      document.getElementById('show-site')?.click();
      const frame = document.getElementById('site') as HTMLIFrameElement;
      for (;;) {
        const img = frame.contentDocument?.querySelector('img');
        if (img?.complete && img.naturalWidth > 0) return performance.now() - t;
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    expect(siteMs).toBeLessThan(2_500);

    // Smuggling from the page: a dot-segment (the URL parser resolves %2e%2e itself), an encoded
    // slash, and a relative path that climbs out of a granted prefix.
    const smuggled = await tab.evaluate(async (dev) => {
      const paths = [
        `/lan/${dev}/%2e%2e/private/secret.txt`,
        `/lan/${dev}/media/%2e%2e/private/secret.txt`,
        `/lan/${dev}/media/..%2fprivate/secret.txt`,
        `/lan/${dev}/media%2f..%2f..%2fprivate%2fsecret.txt`,
        `/lan/${dev}/api/..%5cprivate/secret.txt`,
      ];
      return Promise.all(
        paths.map(async (p) => {
          const r = await fetch(p);
          return { p, status: r.status, text: (await r.text()).trim().slice(0, 120) };
        }),
      );
    }, device);
    // Refused in the page (the client's path check: the bridge's 502 names the error), by the bridge
    // (404: no such device) or by the device (403): never answered, and never forwarded (below).
    for (const { p, status } of smuggled) expect([p, [403, 404, 502].includes(status)]).toEqual([p, true]);

    // A body the page drops stops the legacy server's request.
    const first = await tab.evaluate(async (dev) => {
      const r = await fetch(`/lan/${dev}/media/endless`);
      const reader = r.body?.getReader();
      const chunk = await reader?.read();
      await reader?.cancel();
      return chunk?.value?.byteLength ?? 0;
    }, device);
    expect(first).toBeGreaterThan(0);
    await origin.next((l) => l.event === 'closed' && l.url === '/media/endless', { what: 'upstream closed' });

    // 100 MiB through the bridge, read as a person's download would be: every byte checked as it
    // streams (the legacy server's pattern), nothing kept, and the page's heap stays flat — the page
    // holds the connection and relays every chunk to the service worker, so it would grow if anything
    // on the way buffered the body whole.
    const big = await tab.evaluate(async (dev) => {
      const heap = () =>
        (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
      const heap0 = heap();
      let peak = heap0;
      const t = performance.now();
      const r = await fetch(`/lan/${dev}/media/big`);
      const reader = r.body?.getReader();
      if (!reader) throw new Error('no body');
      let offset = 0;
      let bad = -1;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (let i = 0; bad < 0 && i < value.length; i++) {
          const o = offset + i;
          if (value[i] !== (((o >>> 16) + (o & 0xffff)) & 255)) bad = o;
        }
        offset += value.length;
        peak = Math.max(peak, heap());
      }
      return {
        status: r.status,
        bytes: offset,
        bad,
        ms: performance.now() - t,
        heap0,
        heapGrowth: peak - heap0,
      };
    }, device);
    expect(big).toMatchObject({ status: 200, bytes: 100 * 1024 * 1024, bad: -1 });
    // The peak counts garbage not yet collected, so it only shows the body never sat whole in the
    // heap; after a collection nothing of it may be left.
    expect(big.heapGrowth).toBeLessThan(64 * 1024 * 1024);
    const cdp = await tab.context().newCDPSession(tab);
    await cdp.send('HeapProfiler.collectGarbage');
    const retained = (await cdp.send('Runtime.getHeapUsage')).usedSize - big.heap0;
    expect(retained).toBeLessThan(8 * 1024 * 1024);

    // The identity and trust are remembered: a reload reconnects with no PIN.
    await tab.reload();
    await tab.waitForFunction(() => {
      const s = document.getElementById('device-state')?.textContent ?? '';
      return (
        !document.getElementById('screen-device')?.hidden &&
        s.startsWith('connected') &&
        !s.includes('paired now')
      );
    });

    const urls = origin.lines.filter((l) => l.event === 'request').map((l) => String(l.url));
    expect(urls.length).toBeGreaterThan(3);
    for (const url of urls) expect([url, /^\/(api|media)\//.test(url)]).toEqual([url, true]);
    // The video's Range requests got the legacy server's own 206, as expose's request lines say.
    expect(origin.lines.some((l) => l.url === '/media/video.webm' && typeof l.range === 'string')).toBe(true);
    await expose.next(textLine(/^GET \/media\/video\.webm 206 /), { what: '206 request line' });
    console.log(
      JSON.stringify({
        test: 'lan-web e2e',
        upstreamRequests: urls.length,
        ranged: origin.lines.filter((l) => l.url === '/media/video.webm' && l.range).length,
        siteMs: Math.round(siteMs),
        bigMBps: Number(((100 * 1.048576) / (big.ms / 1000)).toFixed(1)),
        bigHeapGrowthMB: Number((big.heapGrowth / 2 ** 20).toFixed(1)),
        bigRetainedMB: Number((retained / 2 ** 20).toFixed(1)),
        smuggled,
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 180_000);
});
