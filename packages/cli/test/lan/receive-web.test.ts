/**
 * `lanrtc receive --web` on one namespace host, Chromium on another: the page opened from the
 * printed link lists the receiver (the link's invite paired it), a file picked on the page is
 * accepted by `--yes` and lands in `--dir` byte-identical, and the terminal names the page.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { expect, it } from 'vitest';
import { MAIN } from '../support.js';
import { cliLan, text, watch } from './support.js';

const VITE_CONFIG = fileURLToPath(new URL('../../../../examples/file-drop/vite.config.ts', import.meta.url));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What the page's test hook reports (examples/file-drop/src/page/test-hooks.ts). */
interface PageState {
  readonly screen: string;
  readonly receivers: readonly { readonly name: string }[];
}

describeLan('lanrtc receive --web: a page sends to the terminal', () => {
  const env = cliLan();

  it('the page from the printed link sends a file that lands in --dir byte-identical', async () => {
    const [config, inbox, pageDir, files] = [env.config(), env.config(), env.config(), env.config()];
    // The page built into a directory of this test's own (a test never shares the example's dist/).
    const { build } = await import('vite');
    const [, [a, b]] = await Promise.all([
      build({ configFile: VITE_CONFIG, logLevel: 'silent', build: { outDir: pageDir } }),
      env.hosts(2),
    ]);
    const receive = watch(
      a.node(MAIN, [
        ...['receive', '--web', '--web-page', pageDir, '--web-port', '0', '--yes', '--name', 'Desk'],
        ...['--address', a.ip, '--port', '0', '--dir', inbox, '--config', config],
      ]),
    );
    // Chromium starts while the receiver does.
    const chromium = await launchChromium(b.name);
    try {
      const url = String((await receive.next(text(/^page: http:\/\//), 'page link')).text).slice(
        'page: '.length,
      );
      expect(url).toMatch(new RegExp(`^http://${a.ip.replaceAll('.', '\\.')}:\\d+/#join=LRR1:`));
      await receive.next(text(/^waiting for `lanrtc send`/), 'receiver ready');

      const bytes = randomBytes(700_000);
      const path = join(files, 'report.bin');
      writeFileSync(path, bytes);
      const page = await chromium.browser.newPage();
      await page.goto(`${url}&name=Ada`);
      await page.waitForFunction(
        () => {
          const hook = (globalThis as { fileDrop?: { state(): PageState } }).fileDrop;
          return hook?.state().receivers.some((r) => r.name === 'Desk') === true;
        },
        undefined,
        { timeout: 20_000 },
      );
      await receive.next(text(/^\+ page "Ada" \(\S+\) opened the link$/), 'page joined');
      await page.setInputFiles('#file-input', path);
      await page.click('li[data-receiver="Desk"] button.send');
      await receive.next(text(/^connected \S+ \(page "Ada"\)$/), 'page connected');
      await receive.next(text(/^"Ada" \(\S+\) offers 1 file, 700\.0 kB$/), 'offer');
      await receive.next(text(/^accepted \(--yes: "Ada" \(\S+\) is trusted\)$/), 'accepted');
      await receive.next(
        text(
          /^received 1 file, 700\.0 kB \(700\.0 kB moved, .* over datachannel in .* from "Ada" \(\S+\) into /,
        ),
        'summary',
        30_000,
      );
      expect(sha256(readFileSync(join(inbox, 'report.bin')))).toBe(sha256(bytes));
    } finally {
      await chromium.close();
      receive.kill();
      await receive.exited;
    }
  }, 90_000);
});
