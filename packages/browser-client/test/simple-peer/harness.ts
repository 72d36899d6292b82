/**
 * Plumbing of the simple-peer adapter e2e: the relay e2e's device fixture (real relay serving the
 * page over http on host A's LAN address, a Node agent showing a PIN) with this folder's page, and
 * Chromium on host B. Everything started is closed by `teardown()`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan } from '@lanrtc/lan-harness';
import type { Page } from 'playwright-core';
import { bundleForBrowser, launchChromium, pageCaller } from '../helpers/chromium.js';
import { type Device, deviceLines } from '../relay-e2e/harness.js';
import type { SimplePeerE2e } from './page.js';

const here = dirname(fileURLToPath(import.meta.url));
const INDEX_HTML =
  '<!doctype html><meta charset="utf-8"><title>lanrtc simple-peer e2e</title><script type="module" src="/app.js"></script>';

let bundle: Promise<string> | undefined;

/** A 2-host LAN with the device fixture on A and Chromium on B. */
export interface Setup {
  readonly device: Device;
  readonly ready: { id: string; pin: string };
  /** Open a page in a fresh browser context (its own IndexedDB, so its own identity). */
  openPage(): Promise<Page>;
  teardown(): Promise<void>;
}

/** Start the LAN, the device fixture and Chromium. */
export async function setup(): Promise<Setup> {
  const cleanup: (() => unknown)[] = [];
  const teardown = async () => {
    for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => {});
  };
  try {
    bundle ??= bundleForBrowser(join(here, 'page.ts'));
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-simple-peer-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'index.html'), INDEX_HTML);
    writeFileSync(join(dir, 'app.js'), await bundle);
    const lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [a, b] = lan.hosts;
    if (!a || !b) throw new Error('LAN has fewer than 2 hosts');
    const device = deviceLines(a.node(join(here, '../relay-e2e/device.ts'), [a.ip, dir, 'default']));
    const ready = (await device.next((l) => l.ready === true)) as Setup['ready'] & { url: string };
    const origin = ready.url.replace(/^ws:/, 'http:').replace(/\/$/, '');
    const chromium = await launchChromium(b.name);
    cleanup.push(() => chromium.close());
    const openPage = async () => {
      const context = await chromium.browser.newContext();
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => 'simplePeerE2e' in globalThis);
      return page;
    };
    return { device, ready, openPage, teardown };
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** Call one of the page's steps (`globalThis.simplePeerE2e[name](...args)`) and await its outcome. */
export const call = pageCaller<SimplePeerE2e>('simplePeerE2e');

/** Two pages (separate contexts) paired through the relay: `a` showed the PIN, `b` typed it. */
export async function pairedPages(env: Setup): Promise<{ a: Page; b: Page; aId: string; bId: string }> {
  const [a, b] = [await env.openPage(), await env.openPage()];
  const aId = await call(a, 'start');
  const bId = await call(b, 'start');
  if (!aId.ok || !bId.ok) throw new Error('start failed');
  const pin = await call(a, 'showPin');
  const paired = await call(b, 'enterPin', aId.value, pin);
  if (!paired.ok) throw new Error(`pairing failed: ${paired.error}`);
  // The showing side stores the peer just after its last pairing message.
  for (let i = 0; i < 100 && !(await call(a, 'trusted', bId.value)); i++)
    await new Promise((r) => setTimeout(r, 50));
  return { a, b, aId: aId.value, bId: bId.value };
}
