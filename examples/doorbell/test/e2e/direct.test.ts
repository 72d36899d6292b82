/**
 * The installed viewer: the same app from a secure origin (`http://localhost` inside the browser's LAN
 * host, not the doorbell) in real Chromium, reaching the doorbell by direct connect from its pairing
 * card — no relay. It pairs with the card, plays live video, sends push-to-talk from Chromium's fake
 * microphone (RTP reaches the doorbell, which records a non-silent file), and opens again with its web
 * server gone: the service worker serves the app, the remembered card reaches the doorbell.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LanHost } from '@lanrtc/lan-harness';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { useDoorbellLan } from '../support/doorbell-lan.js';
import type { DoorbellProcess } from '../support/doorbell-process.js';
import { framesOver, until, viewerAction, viewerState } from '../support/viewer-page.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Mean volume of an audio file in dBFS (ffmpeg volumedetect), or undefined when it has none. */
function meanVolume(file: string): number | undefined {
  const r = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-i', file, '-af', 'volumedetect', '-f', 'null', '-'],
    {
      encoding: 'utf8',
    },
  );
  const m = /mean_volume: (-?[\d.]+) dB/.exec(r.stderr);
  return m ? Number(m[1]) : undefined;
}

describeLan('doorbell: the installed viewer on a secure origin, by direct connect, in Chromium', () => {
  const fixture = useDoorbellLan(['--name', 'Back door']);
  let doorbell: DoorbellProcess;
  let page: Page;
  let hostB: LanHost;
  let viewerDir: string;
  beforeAll(async () => {
    ({ doorbell, b: hostB, viewerDir } = fixture());
    const chromium = await launchChromium(hostB.name, [
      '--autoplay-policy=no-user-gesture-required',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ]);
    fixture().cleanup(() => chromium.close());
    page = await (await chromium.browser.newContext()).newPage();
  }, 30_000);

  /** Serve the built viewer on `localhost` in host B; resolves with its URL and a stop function. */
  async function serve(): Promise<{ url: string; stop(): void }> {
    const child = hostB.node(join(here, '..', 'support', 'static-server.ts'), [viewerDir]);
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout?.once('data', (d) => resolve((JSON.parse(String(d)) as { port: number }).port));
      child.once('exit', () => reject(new Error('static server exited')));
    });
    return { url: `http://localhost:${port}/`, stop: () => child.kill('SIGTERM') };
  }

  it('pairs with the pairing card, plays video, talks back, and opens again with its web server gone', async () => {
    const server = await serve();
    await page.goto(server.url);
    await page.waitForFunction(() => 'doorbellViewer' in globalThis);
    expect(
      await until(
        () => viewerState(page),
        (s) => s.mode === 'direct' && s.screen === 'pair',
      ),
    ).toMatchObject({
      talk: { available: true },
    });
    expect(await viewerAction(page, 'connectText', doorbell.pairingCard())).toEqual({ ok: true });
    const live = await until(
      () => viewerState(page),
      (s) => s.screen === 'live' && s.connection === 'live' && s.video.width > 0,
    );
    expect(live.name).toBe('Back door');
    expect(await framesOver(page)).toBeGreaterThan(10);
    await doorbell.next(/viewer \S+ connected via direct \(paired now\)/, { from: 0 });

    // Push-to-talk: the fake microphone's tone reaches the doorbell and is recorded.
    const from = doorbell.lines.length;
    expect(await viewerAction(page, 'pressTalk')).toEqual({ ok: true });
    const file = (await doorbell.next(/talk-back from \S+ → (\S+)/, { from }))[1] ?? '';
    await doorbell.next(/is talking/, { from });
    const talking = await until(
      () => viewerState(page),
      (s) => s.talk.packetsSent > 100,
      10_000,
    );
    expect(talking.talk.on).toBe(true);
    expect(await viewerAction(page, 'releaseTalk')).toEqual({ ok: true });
    await doorbell.next(/stopped talking/, { from });

    // The web server goes away (the installed app has no network to load from): the service worker
    // serves the app and the remembered card reaches the doorbell, straight to video.
    server.stop();
    await page.reload();
    await page.waitForFunction(() => 'doorbellViewer' in globalThis);
    await until(
      () => viewerState(page),
      (s) => s.screen === 'live' && s.video.width > 0,
      20_000,
    );
    expect(await framesOver(page)).toBeGreaterThan(10);

    // The recording is complete once that first connection ended (the reload closed it).
    await until(
      async () => existsSync(file) && meanVolume(file),
      (v) => v !== false && v !== undefined,
      10_000,
    );
    const volume = meanVolume(file);
    console.log(`talk-back recording ${file}: mean volume ${volume} dBFS`);
    expect(volume).toBeGreaterThan(-50);
  }, 90_000);
});
