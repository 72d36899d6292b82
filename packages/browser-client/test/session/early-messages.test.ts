/**
 * Early DataChannel messages in Chromium: a message the remote sends the instant a channel opens
 * reaches an application that listens only later (after the verified hand-over, in real use), in
 * order and once — through `addEventListener('message')` and through `onmessage`. The browser
 * drops a message event nobody listens to; `browserSessionPeer` holds them until the first listener.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser, IN_NETNS, launchChromium, openRoutedPage } from '../helpers/chromium.js';

const here = dirname(fileURLToPath(import.meta.url));

describe.skipIf(!IN_NETNS)('browserSessionPeer holds early DataChannel messages (Chromium)', () => {
  it('hands messages sent as the channel opened to the first listener, in order, once', async () => {
    const script = await bundleForBrowser(join(here, 'early-messages.browser.ts'));
    // Plain host candidates (no mDNS names): the two connections sit in one page.
    const chromium = await launchChromium(undefined, ['--disable-features=WebRtcHideLocalIpsWithMdns']);
    try {
      const page = await openRoutedPage(chromium.browser, script, 'earlyMessages');
      const got = await page.evaluate(() =>
        (globalThis as unknown as { earlyMessages: { run(): Promise<unknown> } }).earlyMessages.run(),
      );
      expect(got).toEqual({ viaListener: ['one', 'two', 'three'], viaHandler: ['one', 'two', 'three'] });
    } finally {
      await chromium.close();
    }
  }, 30_000);
});
