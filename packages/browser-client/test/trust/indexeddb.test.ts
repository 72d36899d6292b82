/**
 * signal-core's `runTrustStoreConformance` against the IndexedDB trust store, run in real Chromium:
 * the suite (with vitest's own matchers) is bundled into a page served from an insecure
 * `http://10.77.0.1` origin (Playwright answers the requests; no socket is opened for it), and every
 * case's verdict comes back to this test. Also checks identity and certificate persistence.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, IN_NETNS, launchChromium, openRoutedPage } from '../helpers/chromium.js';
import type { CaseResult } from './conformance.browser.js';

const here = dirname(fileURLToPath(import.meta.url));

describe.skipIf(!IN_NETNS)('IndexedDB trust store in Chromium (insecure context)', () => {
  let chromium: { browser: Browser; close(): Promise<void> } | undefined;
  let page: Page;

  beforeAll(async () => {
    const script = await bundleForBrowser(join(here, 'conformance.browser.ts'), {
      vitest: join(here, 'vitest-shim.ts'),
    });
    chromium = await launchChromium();
    page = await openRoutedPage(chromium.browser, script, 'runConformance');
  }, 30_000);

  afterAll(async () => {
    await chromium?.close();
  });

  it('runs in an insecure context without Web Crypto', async () => {
    expect(await page.evaluate(() => [isSecureContext, typeof crypto.subtle])).toEqual([false, 'undefined']);
  });

  it('passes every case of the trust store conformance suite', async () => {
    const results = await page.evaluate(async () => {
      const run = (globalThis as unknown as { runConformance: () => Promise<CaseResult[]> }).runConformance;
      return run();
    });
    // 11 cases today, the durable-backend persistence case included.
    expect(results.length).toBeGreaterThanOrEqual(11);
    expect(results.some((r) => r.name.includes('keeps records across reopening'))).toBe(true);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});
