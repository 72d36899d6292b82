/**
 * Plumbing of the simple-peer adapter e2e: the relay e2e's device fixture (real relay serving the
 * page over http on host A's LAN address, a Node agent showing a PIN) with this folder's page, and
 * Chromium on host B. Everything started is closed by `teardown()`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { pageCaller } from '../helpers/chromium.js';
import { setup as relaySetup, type Setup } from '../relay-e2e/harness.js';
import type { SimplePeerE2e } from './page.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The relay e2e's LAN and device fixture, serving this folder's page. */
export type { Setup } from '../relay-e2e/harness.js';

/** Start the LAN, the device fixture and Chromium. */
export function setup(): Promise<Setup> {
  return relaySetup('default', { entry: join(here, 'page.ts'), global: 'simplePeerE2e' });
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
