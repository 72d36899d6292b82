/**
 * Test helpers: bundle a browser entry with esbuild, open pages on a routed origin, and launch the
 * system Chromium (re-exported from @lanrtc/lan-harness/chromium, optionally inside a LAN host).
 */
import { build, type Plugin } from 'esbuild';
import type { Browser, Page } from 'playwright-core';

/** True inside the private network namespace of scripts/netns-run.mjs; browser tests skip elsewhere. */
export const IN_NETNS = process.env.LANRTC_IN_NETNS === '1';

/** Bundle `entry` (TypeScript) for the browser as one ESM script; `aliases` map bare imports to files. */
export async function bundleForBrowser(entry: string, aliases: Record<string, string> = {}): Promise<string> {
  const alias: Plugin = {
    name: 'alias',
    setup(b) {
      for (const [from, to] of Object.entries(aliases)) {
        b.onResolve({ filter: new RegExp(`^${from}$`) }, () => ({ path: to }));
      }
    },
  };
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    write: false,
    plugins: [alias],
    logLevel: 'silent',
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

export { CHROMIUM_ARGS, launchChromium } from '@lanrtc/lan-harness/chromium';

/** Origin of pages served by `openRoutedPage`: a LAN address over http, i.e. an insecure context. */
export const ROUTED_ORIGIN = 'http://10.77.0.1:8123';

/**
 * Open a page at `origin` (default `ROUTED_ORIGIN`) whose only script is `script` (an ESM bundle); Playwright answers
 * the requests itself, so no socket is opened. Resolves once `globalThis[readyGlobal]` exists.
 */
export async function openRoutedPage(
  browser: Browser,
  script: string,
  readyGlobal: string,
  origin = ROUTED_ORIGIN,
): Promise<Page> {
  const page = await browser.newPage();
  await page.route(`${origin}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/app.js') return route.fulfill({ contentType: 'text/javascript', body: script });
    return route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><script type="module" src="/app.js"></script>',
    });
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction((name) => name in globalThis, readyGlobal);
  return page;
}

/** The names of the function members of page API `A`. */
export type PageMethod<A> = {
  [K in keyof A]: A[K] extends (...args: never[]) => unknown ? K : never;
}[keyof A];
type PageArgs<F> = F extends (...a: infer P) => unknown ? P : never;
type PageResult<F> = F extends (...a: never[]) => infer R ? Awaited<R> : never;

/**
 * A caller of the steps of page API `A` that a test page puts on `globalThis[global]`:
 * `call(page, name, ...args)` runs `globalThis[global][name](...args)` in the page and awaits it.
 */
export function pageCaller<A>(
  global: string,
): <K extends PageMethod<A>>(page: Page, name: K, ...args: PageArgs<A[K]>) => Promise<PageResult<A[K]>> {
  return (page, name, ...args) =>
    page.evaluate(
      ({ g, n, a }) => {
        const api = (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>)[
          g
        ];
        return api?.[n]?.(...a);
      },
      { g: global, n: name as string, a: args as unknown[] },
    ) as never;
}
