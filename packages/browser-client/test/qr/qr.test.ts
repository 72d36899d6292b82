/**
 * QR rendering and scanning in Chromium. A secure page (`http://localhost`, answered by Playwright:
 * no socket) renders codes and reads them back from PNG, data URL and SVG, and scans the fake camera,
 * which plays a Y4M file of a QR code made in Node (y4m.ts); an insecure page (`http://10.77.0.1`)
 * has no camera (`CameraUnavailableError`) but still scans image files. Bad images, a timeout and an
 * abort are typed errors, and the camera's tracks are stopped however the scan ended.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toQrText } from '@lanrtc/signal-core/codec';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qrMatrix } from '../../src/qr/render.js';
import { bundleForBrowser, IN_NETNS, launchChromium, openRoutedPage } from '../helpers/chromium.js';
import { padFrame, qrToGrey, toY4m } from '../qr-e2e/y4m.js';

type Lib = typeof import('../../src/index.js') & { trackStates(): string[] };
const here = dirname(fileURLToPath(import.meta.url));
// 120 bytes: about a compact card's size.
const TEXT = toQrText(Uint8Array.from({ length: 120 }, (_, i) => (i * 91 + 7) & 0xff));

describe.skipIf(!IN_NETNS)('QR render and scan in Chromium', () => {
  let chromium: { browser: Browser; close(): Promise<void> } | undefined;
  let secure: Page;
  let insecure: Page;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanrtc-qr-'));
    const y4m = join(dir, 'qr.y4m');
    writeFileSync(y4m, toY4m(padFrame(qrToGrey(qrMatrix(TEXT), 4))));
    const script = await bundleForBrowser(join(here, 'qr.browser.ts'));
    chromium = await launchChromium(undefined, [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${y4m}`,
    ]);
    secure = await openRoutedPage(chromium.browser, script, 'lanrtc', 'http://localhost:8123');
    insecure = await openRoutedPage(chromium.browser, script, 'lanrtc');
  }, 30_000);
  afterAll(async () => {
    await chromium?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads back what it renders: canvas PNG, data URL and SVG, on secure and insecure pages', async () => {
    for (const page of [secure, insecure]) {
      const r = await page.evaluate(async (text) => {
        const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
        const canvas = L.renderQrToCanvas(text);
        const png = await new Promise<Blob>((resolve, reject) =>
          canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob'))), 'image/png'),
        );
        const fromPng = await L.scanQrFromImage(png);
        const fromUrl = await L.scanQrFromImage(await (await fetch(L.renderQrDataUrl(text))).blob());
        // SVG: rasterise through an <img>, as a page showing it would.
        const img = new Image();
        img.src = URL.createObjectURL(new Blob([L.renderQrSvg(text)], { type: 'image/svg+xml' }));
        await img.decode();
        const raster = document.createElement('canvas');
        [raster.width, raster.height] = [img.naturalWidth, img.naturalHeight];
        raster.getContext('2d')?.drawImage(img, 0, 0);
        const svgPng = await new Promise<Blob>((resolve, reject) =>
          raster.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob'))), 'image/png'),
        );
        const fromSvg = await L.scanQrFromImage(svgPng);
        return { secure: isSecureContext, width: canvas.width, fromPng, fromUrl, fromSvg };
      }, TEXT);
      const size = qrMatrix(TEXT).size;
      expect(r).toEqual({
        secure: page === secure,
        width: (size + 8) * 6,
        fromPng: TEXT,
        fromUrl: TEXT,
        fromSvg: TEXT,
      });
    }
  });

  it('scans the fake camera on a secure page and stops the camera; an insecure page has no camera', async () => {
    const r = await secure.evaluate(async (text) => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      const video = document.createElement('video');
      const t = performance.now();
      const scanned = await L.scanQrFromCamera({ video, timeoutMs: 10_000, accept: (s) => s === text });
      return {
        scanned,
        ms: Math.round(performance.now() - t),
        detached: video.srcObject === null,
        tracks: L.trackStates(),
      };
    }, TEXT);
    expect(r).toMatchObject({ scanned: TEXT, detached: true, tracks: ['ended'] });
    console.log(JSON.stringify({ test: 'camera scan', ms: r.ms }));

    const e = await insecure.evaluate(async () => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      return L.scanQrFromCamera({ timeoutMs: 1_000 }).then(
        () => 'scanned',
        (error: Error) => ({ name: error.name, mediaDevices: typeof navigator.mediaDevices }),
      );
    });
    expect(e).toEqual({ name: 'CameraUnavailableError', mediaDevices: 'undefined' });
  });

  it('reports no code, a timeout and an abort as typed errors, stopping the camera each time', async () => {
    const r = await secure.evaluate(async () => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      const name = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (error: Error) => error.name,
        );
      const blank = document.createElement('canvas');
      [blank.width, blank.height] = [200, 120];
      const ctx = blank.getContext('2d');
      if (ctx) {
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, 200, 120);
      }
      const blankPng = await new Promise<Blob>((resolve) => blank.toBlob((b) => resolve(b ?? new Blob())));
      const before = L.trackStates().length;
      const abort = new AbortController();
      const aborted = name(L.scanQrFromCamera({ signal: abort.signal, accept: () => false }));
      setTimeout(() => abort.abort(), 300);
      return {
        garbage: await name(L.scanQrFromImage(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }))),
        empty: await name(L.scanQrFromImage(new Blob([]))),
        blank: await name(L.scanQrFromImage(blankPng)),
        // The camera shows a code, but not one the caller accepts.
        timeout: await name(L.scanQrFromCamera({ timeoutMs: 800, accept: () => false })),
        aborted: await aborted,
        preAborted: await name(L.scanQrFromCamera({ signal: AbortSignal.abort() })),
        tracks: L.trackStates().slice(before),
      };
    });
    expect(r).toEqual({
      garbage: 'QrNotFoundError',
      empty: 'QrNotFoundError',
      blank: 'QrNotFoundError',
      timeout: 'QrNotFoundError',
      aborted: 'AbortError',
      preAborted: 'AbortError',
      tracks: ['ended', 'ended'],
    });
  });
});
