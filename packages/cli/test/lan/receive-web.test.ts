/**
 * `lanrtc receive --web` and `lanrtc send --web` on one namespace host, Chromium on another.
 * receive: the page opened from the printed link lists the receiver (the link's invite paired it),
 * a file picked on the page is accepted by `--yes` and lands in `--dir` byte-identical, and the
 * terminal names the page. send: each page opened from the printed link is offered a folder; one
 * declines (reported, the command goes on), the next accepts, both files arrive as its downloads
 * byte-identical, and `--once` exits 0 after the summary. The page is built once for both.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterAll, expect, it } from 'vitest';
import { MAIN } from '../support.js';
import { cliLan, text, watch } from './support.js';

const VITE_CONFIG = fileURLToPath(new URL('../../../../examples/file-drop/vite.config.ts', import.meta.url));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What the page's test hook reports (examples/file-drop/src/page/test-hooks.ts). */
interface PageState {
  readonly screen: string;
  readonly receivers: readonly { readonly name: string }[];
}

describeLan('lanrtc receive --web / send --web: pages and the terminal', () => {
  const env = cliLan();
  // The page built once into a directory of this file's own (a test never shares the example's dist/).
  let built: Promise<string> | undefined;
  const pageDir = () => {
    built ??= import('vite').then(async ({ build }) => {
      const dir = mkdtempSync(join(tmpdir(), 'lanrtc-page-'));
      await build({ configFile: VITE_CONFIG, logLevel: 'silent', build: { outDir: dir } });
      return dir;
    });
    return built;
  };
  afterAll(async () => {
    if (built) rmSync(await built, { recursive: true, force: true });
  });

  it('the page from the printed link sends a file that lands in --dir byte-identical', async () => {
    const [config, inbox, files] = [env.config(), env.config(), env.config()];
    const [page, [a, b]] = await Promise.all([pageDir(), env.hosts(2)]);
    const receive = watch(
      a.node(MAIN, [
        ...['receive', '--web', '--web-page', page, '--web-port', '0', '--yes', '--name', 'Desk'],
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
      const tab = await chromium.browser.newPage();
      await tab.goto(`${url}&name=Ada`);
      await tab.waitForFunction(
        () => {
          const hook = (globalThis as { fileDrop?: { state(): PageState } }).fileDrop;
          return hook?.state().receivers.some((r) => r.name === 'Desk') === true;
        },
        undefined,
        { timeout: 20_000 },
      );
      await receive.next(text(/^\+ page "Ada" \(\S+\) opened the link$/), 'page joined');
      await tab.setInputFiles('#file-input', path);
      await tab.click('li[data-receiver="Desk"] button.send');
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

  it('send --web --once: a page declines, the next accepts a folder: both files download byte-identical, exit 0', async () => {
    const [config, files] = [env.config(), env.config()];
    const album = join(files, 'album');
    mkdirSync(join(album, 'day 2'), { recursive: true });
    const one = randomBytes(300_000);
    const two = randomBytes(1_200_000);
    writeFileSync(join(album, 'a.bin'), one);
    writeFileSync(join(album, 'day 2', 'b.bin'), two);
    const [page, [a, b]] = await Promise.all([pageDir(), env.hosts(2)]);
    const send = watch(
      a.node(MAIN, [
        ...['send', album, '--web', '--once', '--no-qr', '--web-page', page, '--web-port', '0'],
        ...['--name', 'Desk', '--address', a.ip, '--config', config],
      ]),
    );
    const chromium = await launchChromium(b.name);
    try {
      const url = String((await send.next(text(/^page: http:\/\//), 'page link')).text).slice(
        'page: '.length,
      );
      expect(url).toMatch(new RegExp(`^http://${a.ip.replaceAll('.', '\\.')}:\\d+/#join=LRR1:`));
      await send.next(text(/^offering album to every page that opens the link/), 'sender ready');
      // A page that declines is reported, and the command goes on serving the next one.
      const bea = await chromium.browser.newPage();
      await bea.goto(`${url}&name=Bea`);
      await bea.waitForSelector('#offer-dialog[open]', { timeout: 20_000 });
      await bea.click('#offer-decline');
      await send.next(text(/^"Bea" declined the files$/), 'decline');
      const tab = await chromium.browser.newPage();
      const downloads = new Map<string, string>();
      const saved: Promise<void>[] = [];
      tab.on('download', (d) => {
        saved.push(d.path().then((p) => void downloads.set(d.suggestedFilename(), p)));
      });
      await tab.goto(`${url}&name=Ada`);
      await send.next(text(/^\+ page "Ada" \(\S+\) opened the link$/), 'page joined');
      await tab.waitForSelector('#offer-dialog[open]', { timeout: 20_000 });
      expect(await tab.textContent('#offer-title')).toBe('Desk wants to send you 2 files');
      await tab.click('#offer-accept');
      await send.next(text(/^sent album\/day 2\/b\.bin \(1\.2 MB\) to "Ada"$/), 'file line', 30_000);
      await send.next(
        text(/^sent 2 files, 1\.5 MB \(1\.5 MB moved, 0 B already there\) over datachannel in .* to "Ada"$/),
        'summary',
        30_000,
      );
      expect(await send.exited).toBe(0);
      await expect.poll(() => saved.length, { timeout: 10_000 }).toBe(2);
      await Promise.all(saved);
      expect([...downloads.keys()].sort()).toEqual(['a.bin', 'b.bin']);
      expect(sha256(readFileSync(downloads.get('a.bin') as string))).toBe(sha256(one));
      expect(sha256(readFileSync(downloads.get('b.bin') as string))).toBe(sha256(two));
    } finally {
      await chromium.close();
      send.kill();
      await send.exited;
    }
  }, 90_000);
});
