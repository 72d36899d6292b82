/**
 * End to end on a 2-host virtual LAN (lan-harness): host A runs a Node device (createNodeAgent,
 * werift on A's address) that serves the bundled page over http://<A-ip>:<port>/ — an insecure
 * context — and a test-only long-poll signalling bridge; Chromium runs in host B. The page pairs
 * by the PIN the device printed (typed into the page's form), connects, and echoes over a
 * DataChannel; then the device calls the page (the page's incoming-connection path). After a
 * reload the page reconnects with no PIN: identity, certificate and trust came back from
 * IndexedDB. A third visit also sends a canvas video track, whose RTP the device counts. Both
 * sides' fingerprints are checked against what the other side reports.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import type { Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { bundleForBrowser, launchChromium } from '../helpers/chromium.js';
import type { E2eStatus } from './page.js';

const here = dirname(fileURLToPath(import.meta.url));
const PORT = 8080;
const INDEX_HTML = `<!doctype html><meta charset="utf-8"><title>lanrtc e2e</title>
<form id="pair-form" hidden><label>PIN shown on the device <input id="pin" inputmode="numeric"></label><button id="pair">Pair</button></form>
<script type="module" src="/app.js"></script>`;

type DeviceEvent = Record<string, unknown>;

function waitPhase(page: Page, phases: E2eStatus['phase'][]): Promise<E2eStatus> {
  return page
    .waitForFunction(
      (want) => {
        const s = (globalThis as { e2e?: E2eStatus }).e2e;
        return s && (want.includes(s.phase) || s.phase === 'error') ? s : undefined;
      },
      phases,
      { timeout: 15_000 },
    )
    .then((h) => h.jsonValue() as Promise<E2eStatus>);
}

describeLan('browser-client e2e: Chromium (insecure page) ↔ Node device on a virtual LAN', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('pairs by PIN, echoes over a DataChannel both ways, reconnects after a reload without a PIN, and sends video', async () => {
    const started = performance.now();
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-e2e-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'index.html'), INDEX_HTML);
    writeFileSync(join(dir, 'app.js'), await bundleForBrowser(join(here, 'page.ts')));

    const lan: Lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [a, b] = lan.hosts;
    if (!a || !b) throw new Error('LAN has fewer than 2 hosts');

    const device = a.node(join(here, 'device.ts'), [a.ip, String(PORT), dir]);
    const events: DeviceEvent[] = [];
    const waiters: { match: (e: DeviceEvent) => boolean; resolve: (e: DeviceEvent) => void }[] = [];
    const stderr: string[] = [];
    device.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
    if (!device.stdout) throw new Error('device has no stdout');
    createInterface({ input: device.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as DeviceEvent;
      events.push(event);
      for (const w of waiters.splice(0))
        if (w.match(event)) w.resolve(event);
        else waiters.push(w);
    });
    const deviceEvent = (match: (e: DeviceEvent) => boolean) =>
      new Promise<DeviceEvent>((resolve, reject) => {
        const seen = events.find(match);
        if (seen) return resolve(seen);
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `device event ${match.toString()} not seen; last events: ${JSON.stringify(events.slice(-4))}; stderr: ${stderr.join('')}`,
              ),
            ),
          15_000,
        );
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    const ready = await deviceEvent((e) => e.ready === true);
    const deviceReadyMs = performance.now() - started;

    const chromium = await launchChromium(b.name);
    cleanup.push(() => chromium.close());
    const page = await chromium.browser.newPage();
    await page.goto(`http://${a.ip}:${PORT}/`);

    // First visit: the page asks for the PIN the device shows.
    let status = await waitPhase(page, ['need-pin']);
    expect(status.error).toBeUndefined();
    expect(status.context).toEqual({
      secure: false,
      subtle: 'undefined',
      mediaDevices: 'undefined',
      serviceWorker: 'undefined',
      rtc: 'function',
    });
    await page.fill('#pin', String(ready.pin));
    await page.click('#pair');
    status = await waitPhase(page, ['done']);
    expect(status.error).toBeUndefined();
    expect(status.askedPin).toBe(true);
    expect(status.reply).toBe('echo:hello');
    expect(status.remote).toBe(ready.id);
    expect(status.remoteFingerprint).toBe(ready.fingerprint);
    await deviceEvent((e) => e.paired === status.id);
    const first = await deviceEvent((e) => e.connection === status.id);
    // The device checked the browser's persisted certificate in DTLS.
    expect(first.remoteFingerprint).toBe(status.fingerprint);
    const firstVisit = status;

    // The other direction: the device calls the page, which answers as an incoming connection.
    device.stdin?.write(`connect ${status.id}\n`);
    const outgoing = await deviceEvent((e) => 'outgoing' in e || 'outgoingError' in e);
    expect(outgoing).toEqual({
      outgoing: status.id,
      reply: 'pong:ping',
      remoteFingerprint: status.fingerprint,
    });
    // The page answers the device's pings as soon as the channel opens, which can be before its own
    // hand-over (the trust-store write in IndexedDB) has finished: wait for the connection event.
    await expect
      .poll(() => page.evaluate(() => (globalThis as { e2e?: E2eStatus }).e2e?.incoming), { timeout: 5_000 })
      .toEqual([ready.id]);

    // Reload: identity, certificate and trust come back from IndexedDB; no PIN is asked.
    await page.reload();
    status = await waitPhase(page, ['done', 'need-pin']);
    expect(status.error).toBeUndefined();
    expect(status.phase).toBe('done');
    expect(status.askedPin).toBe(false);
    expect(status.id).toBe(firstVisit.id);
    expect(status.fingerprint).toBe(firstVisit.fingerprint);
    expect(status.reply).toBe('echo:hello');
    const connections = await deviceEvent((e) => e.connection === status.id && e !== first);
    expect(connections.remoteFingerprint).toBe(status.fingerprint);
    expect(events.filter((e) => 'paired' in e)).toHaveLength(1);
    expect(events.filter((e) => 'sessionError' in e)).toEqual([]);

    // Third visit with a video track from a canvas in the offer: the device receives RTP.
    await page.goto(`http://${a.ip}:${PORT}/?media=1`);
    const withMedia = await waitPhase(page, ['done', 'need-pin']);
    expect(withMedia.error).toBeUndefined();
    expect(withMedia.askedPin).toBe(false);
    expect(withMedia.reply).toBe('echo:hello');
    const rtp = await deviceEvent((e) => typeof e.rtpPackets === 'number');
    expect(rtp).toEqual({ rtpPackets: 10, kind: 'video' });

    console.log(
      JSON.stringify({
        deviceReadyMs: Math.round(deviceReadyMs),
        firstVisit: firstVisit.ms,
        afterReload: status.ms,
        withMedia: withMedia.ms,
        totalMs: Math.round(performance.now() - started),
      }),
    );
  }, 45_000);
});
