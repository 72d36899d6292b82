/** TEST-ONLY: a file-drop page in Chromium, read through its state hook (`globalThis.fileDrop`). */
import type { Browser, Page } from 'playwright-core';
import type { FileDropState } from '../../src/page/test-hooks.js';

/** Poll `read` until `ok` holds (resolves with that value), or reject after `ms` with the last value. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${ms} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The page's state. */
export const pageState = (page: Page): Promise<FileDropState> =>
  page.evaluate(() => (globalThis as unknown as { fileDrop: { state(): FileDropState } }).fileDrop.state());

/** A page in a fresh browser context (its own identity) opened on `url` as `name`; resolves once it sees `waitFor` as a receiver. */
export async function openDropPage(
  browser: Browser,
  url: string,
  name: string,
  waitFor: string,
): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${url}&name=${encodeURIComponent(name)}`);
  await page.waitForFunction(() => 'fileDrop' in globalThis);
  await until(
    () => pageState(page),
    (s) => s.screen === 'main' && s.receivers.some((r) => r.name === waitFor),
    30_000,
  );
  return page;
}
