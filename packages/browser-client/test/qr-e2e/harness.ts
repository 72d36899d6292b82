/**
 * Shared plumbing of the QR / direct-connect e2e tests: bundle the page once, serve it from a static
 * server INSIDE a LAN host (so Chromium in that host loads it from `http://localhost:<port>`, a
 * secure context), launch Chromium in a host with or without a fake camera, and turn a QR code the
 * test has (a page's canvas, or a module matrix) into a Y4M file for that camera.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LanHost } from '@lanrtc/lan-harness';
import type { Page } from 'playwright-core';
import { bundleForBrowser, launchChromium, pageCaller } from '../helpers/chromium.js';
import type { QrE2e } from './page.js';
import { type GreyImage, padFrame, rgbaToGrey, toY4m } from './y4m.js';

const here = dirname(fileURLToPath(import.meta.url));
const INDEX_HTML =
  '<!doctype html><meta charset="utf-8"><title>lanrtc qr e2e</title>' +
  '<canvas id="qr"></canvas><input id="answer" type="file" accept="image/*">' +
  '<script type="module" src="/app.js"></script>';

let bundle: Promise<string> | undefined;
/** Write the page (index.html + app.js) into `dir`. */
export async function writePage(dir: string): Promise<void> {
  bundle ??= bundleForBrowser(join(here, 'page.ts'));
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  writeFileSync(join(dir, 'app.js'), await bundle);
}

/** First JSON line of a child's stdout. */
export function firstLine(
  child: import('node:child_process').ChildProcess,
  ms = 15_000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    const timer = setTimeout(
      () => reject(new Error(`no line from child; stderr: ${stderr.slice(-2000)}`)),
      ms,
    );
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (l) => {
      clearTimeout(timer);
      resolve(JSON.parse(l) as Record<string, unknown>);
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}); stderr: ${stderr.slice(-2000)}`)));
  });
}

/**
 * Start static-server.ts in `host` serving `dir`; resolves with the page URL: `http://localhost:<port>/`
 * (secure context), or with `insecure` `http://<host-ip>:<port>/`.
 */
export async function serveInHost(host: LanHost, dir: string, insecure = false): Promise<string> {
  const args = insecure ? [dir, host.ip] : [dir];
  const { port } = await firstLine(host.node(join(here, 'static-server.ts'), args));
  if (typeof port !== 'number' || port <= 0) throw new Error('static server reported no port');
  return `http://${insecure ? host.ip : 'localhost'}:${port}/`;
}

/** Chromium flags for a fake camera that plays `y4m` (docs/PLATFORM.md "Camera QR scanning"). */
export function fakeCamera(y4m: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${y4m}`,
  ];
}

/** Launch Chromium in `host` and open `url`; resolves once the page's steps exist. */
export async function openPage(
  host: LanHost,
  url: string,
  extraArgs: readonly string[] = [],
): Promise<{ page: Page; newPage(): Promise<Page>; close(): Promise<void> }> {
  const chromium = await launchChromium(host.name, extraArgs);
  // Each page gets a browser context of its own: its own IndexedDB, so its own identity.
  const newPage = async () => {
    const page = await (await chromium.browser.newContext()).newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'qrE2e' in globalThis);
    return page;
  };
  try {
    return { page: await newPage(), newPage, close: () => chromium.close() };
  } catch (error) {
    await chromium.close();
    throw error;
  }
}

/** Call one of the page's steps (`globalThis.qrE2e[name](...args)`) and await its outcome. */
export const call = pageCaller<QrE2e>('qrE2e');

/** What the page's application channels received so far. */
export function received(page: Page): Promise<QrE2e['received']> {
  return page.evaluate(() => (globalThis as unknown as { qrE2e: QrE2e }).qrE2e.received);
}

/** The QR code the page drew on `#qr`, as grey pixels (read with `getImageData`). */
export async function canvasGrey(page: Page): Promise<GreyImage> {
  const { width, height, data } = await page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('#qr');
    const ctx = c?.getContext('2d');
    if (!c || !ctx) throw new Error('no #qr canvas');
    return {
      width: c.width,
      height: c.height,
      data: Array.from(ctx.getImageData(0, 0, c.width, c.height).data),
    };
  });
  return rgbaToGrey(data, width, height);
}

/** Write `image` as a one-frame Y4M file for the fake camera. */
export function writeY4m(path: string, image: GreyImage): void {
  writeFileSync(path, toY4m(padFrame(image)));
}

/** Unwrap a page outcome, failing the test with the page's error name and message. */
export function ok<T>(o: { ok: true; value: T } | { ok: false; error: string; message?: string }): T {
  if (!o.ok) throw new Error(`page step failed: ${o.error}: ${o.message ?? ''}`);
  return o.value;
}
