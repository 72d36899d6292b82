/**
 * The `/lan/` service-worker bridge in Chromium, on a secure origin (`http://localhost:<port>`, a
 * test server in the test's own network namespace). The page's stand-in device fetches the same
 * server's `/upstream/…`, so every byte crosses the real worker ↔ page MessagePort relay: JSON, an
 * `<img>`, a `<video>` that plays and seeks by Range (206), a 100 MB download (a link carrying
 * `lanrtc-download`: Chromium never gives an `<a download>` request to a service worker) with flat
 * page memory, cancel reaching the upstream request, method/headers/body passed, and the bridge's own
 * 404 / 502 / 503 answers. The pull-based flow itself is tested in Node (`pull.test.ts`): Chromium
 * 156 reads a service worker's stream response to its end whatever the page reads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMedia, sendRanged } from '../../../../test/kit/media.js';
import { bundleForBrowser, IN_NETNS, launchChromium, pageCaller } from '../helpers/chromium.js';
import type { LanRoutesPage } from './page.js';

const here = dirname(fileURLToPath(import.meta.url));
const call = pageCaller<LanRoutesPage>('lanRoutes');
const BLOCK = 64 * 1024;
const base = randomBytes(BLOCK);
/** Block `k` of a `/big` body: the random base block with `k` in its first four bytes. */
function block(k: number): Buffer {
  const b = Buffer.from(base);
  b.writeUInt32BE(k >>> 0, 0);
  return b;
}
function bigSha256(bytes: number): string {
  const h = createHash('sha256');
  for (let at = 0, k = 0; at < bytes; at += BLOCK, k++)
    h.update(block(k).subarray(0, Math.min(BLOCK, bytes - at)));
  return h.digest('hex');
}

/** What the upstream server saw. */
const seen = {
  ranges: [] as string[],
  bigClosedEarly: 0,
  bigDone: 0,
  echo: 0,
};

/** `/big?bytes=N`, written with backpressure; notes a request that went away before its end. */
async function big(url: URL, res: ServerResponse): Promise<void> {
  const bytes = Number(url.searchParams.get('bytes'));
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  for (let at = 0, k = 0; at < bytes && !closed; at += BLOCK, k++) {
    if (!res.write(block(k).subarray(0, Math.min(BLOCK, bytes - at))))
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off('drain', go);
          res.off('close', go);
          resolve();
        };
        res.on('drain', go);
        res.on('close', go);
      });
  }
  if (closed) seen.bigClosedEarly++;
  else {
    seen.bigDone++;
    res.end();
  }
}

describe.skipIf(!IN_NETNS)('/lan/ service-worker bridge (Chromium, secure origin)', () => {
  let dir: string;
  let server: Server;
  let origin: string;
  let chromium: { browser: Browser; close(): Promise<void> };
  let page: Page;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanrtc-lan-routes-'));
    makeMedia(dir);
    const [app, sw] = await Promise.all([
      bundleForBrowser(join(here, 'page.ts')),
      bundleForBrowser(join(here, 'sw.ts')),
    ]);
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (type: string, body: string | Buffer) => {
        res.writeHead(200, { 'content-type': type });
        res.end(body);
      };
      switch (url.pathname) {
        case '/':
          return send(
            'text/html',
            '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>',
          );
        case '/app.js':
          return send('text/javascript', app);
        case '/sw.js':
          return send('text/javascript', sw);
        case '/upstream/api/status':
          return send('application/json', JSON.stringify({ ok: true, query: url.search }));
        case '/upstream/img.png':
          return send('image/png', readFileSync(join(dir, 'img.png')));
        case '/upstream/video.webm':
          if (req.headers.range) seen.ranges.push(req.headers.range);
          return sendRanged(join(dir, 'video.webm'), 'video/webm', req, res);
        case '/upstream/big':
          return void big(url, res);
        case '/upstream/echo': {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => {
            seen.echo++;
            const { method, headers } = req;
            send(
              'application/json',
              JSON.stringify({ method, headers, body: Buffer.concat(chunks).toString() }),
            );
          });
          return;
        }
        default:
          res.writeHead(404);
          res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    origin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
    chromium = await launchChromium(undefined, ['--autoplay-policy=no-user-gesture-required']);
    page = await (await chromium.browser.newContext({ acceptDownloads: true })).newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'lanRoutesReady' in globalThis);
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers JSON, passes method, headers and body, and says 404 / 502 in text', async () => {
    expect(await call(page, 'get', '/lan/legacy/api/status?x=1')).toMatchObject({
      status: 200,
      type: 'application/json',
      text: JSON.stringify({ ok: true, query: '?x=1' }),
    });
    const echo = await call(page, 'get', '/lan/legacy/echo', {
      method: 'POST',
      headers: { 'x-lanrtc-test': 'yes', 'content-type': 'text/plain' },
      body: 'hello device',
    });
    expect(JSON.parse(echo.text)).toMatchObject({
      method: 'POST',
      headers: { 'x-lanrtc-test': 'yes', 'content-type': 'text/plain' },
      body: 'hello device',
    });
    const unknown = await call(page, 'get', '/lan/nosuch/api/status');
    expect(unknown).toMatchObject({ status: 404, type: 'text/plain; charset=utf-8' });
    expect(unknown.text).toContain('no connection to a device named "nosuch"');
    const down = await call(page, 'get', '/lan/down/api/status');
    expect(down).toMatchObject({ status: 502 });
    expect(down.text).toContain('the request to device "down" failed: TypeError');
  });

  it('loads an <img> and a <video> that plays and seeks by Range (206)', async () => {
    expect(await call(page, 'image', '/lan/legacy/img.png')).toBe(64);
    const before = seen.ranges.length;
    const v = await call(page, 'video', '/lan/legacy/video.webm', 6);
    expect(v.width).toBe(160);
    expect(v.before).toBeLessThan(2);
    expect(v.after).toBeGreaterThanOrEqual(5.9);
    expect(v.frameMediaTime).toBeGreaterThanOrEqual(5.9);
    expect(v.readyState).toBeGreaterThanOrEqual(2);
    // The Range headers reached the upstream server through worker and page.
    expect(seen.ranges.length).toBeGreaterThan(before);
    const partial = await call(page, 'get', '/lan/legacy/video.webm', { headers: { range: 'bytes=0-99' } });
    expect(partial.status).toBe(206);
    expect(partial.range).toMatch(/^bytes 0-99\/\d+$/);
  }, 30_000);

  it('cancelling a body in the page stops the upstream request', async () => {
    // Far more than the relay moves before the cancel arrives (Chromium reads a worker stream at full speed).
    const total = 4 * 1000 * 1000 * 1000;
    const closedBefore = seen.bigClosedEarly;
    expect(await call(page, 'readOne', `/lan/legacy/big?bytes=${total}`)).toBeGreaterThan(0);
    await call(page, 'cancelPending');
    await expect.poll(() => seen.bigClosedEarly, { timeout: 5_000 }).toBe(closedBefore + 1);
    expect(await call(page, 'upstreamRead')).toBeLessThan(total);
  });

  it('streams a 100 MB download (a link with lanrtc-download) intact with flat page memory', async () => {
    const bytes = 100 * 1000 * 1000;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = async () => ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
    const baseline = await heap();
    let peak = baseline;
    const sampler = setInterval(() => {
      void heap().then(
        (h) => {
          peak = Math.max(peak, h);
        },
        () => undefined,
      );
    }, 100);
    const t0 = performance.now();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      call(page, 'download', `/lan/legacy/big?bytes=${bytes}&lanrtc-download=big.bin`),
    ]);
    const path = await download.path();
    clearInterval(sampler);
    const ms = performance.now() - t0;
    const got = createHash('sha256').update(readFileSync(path)).digest('hex');
    console.log(
      JSON.stringify({
        test: 'lan routes download',
        bytes,
        ms: Math.round(ms),
        MBps: +(bytes / 1e3 / ms).toFixed(1),
        heapBaselineMB: +(baseline / 1e6).toFixed(1),
        heapPeakMB: +(peak / 1e6).toFixed(1),
      }),
    );
    expect(download.suggestedFilename()).toBe('big.bin');
    expect(statSync(path).size).toBe(bytes);
    expect(got).toBe(bigSha256(bytes));
    expect(peak - baseline).toBeLessThan(20 * 1000 * 1000);
  }, 120_000);

  it('answers 503 when no open page serves the routes', async () => {
    const other = await (await chromium.browser.newContext()).newPage();
    await other.goto(`${origin}/?serve=0`);
    await other.waitForFunction(() => 'lanRoutesReady' in globalThis);
    const r = await call(other, 'get', '/lan/legacy/api/status');
    expect(r.status).toBe(503);
    expect(r.text).toContain('no open page of this app serves /lan/ routes');
    await other.close();
  });
});
