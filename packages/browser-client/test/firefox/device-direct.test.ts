/**
 * Firefox ESR on a secure origin that is not the device (a static server on `localhost` in its own
 * LAN host) connects to a Node device on another host by WebRTC alone, from the pairing card's text
 * (the paste path: headless Firefox has no fake camera), pairs in-band and echoes. The device is the
 * qr e2e fixture (node-agent's `createDirectListener`, ICE-lite, one UDP port); the page is the qr e2e
 * page Chromium runs, unchanged. Firefox keeps its default `UUID.local` host-candidate obfuscation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { ok, serveInHost, writePage } from '../qr-e2e/harness.js';
import type { QrE2e } from '../qr-e2e/page.js';
import { type DeviceLine, deviceLines } from '../relay-e2e/harness.js';
import { firefoxIn, selectedPairs, steps } from './harness.js';

const qrE2e = join(dirname(fileURLToPath(import.meta.url)), '..', 'qr-e2e');

type Ready = DeviceLine & { id: string; fingerprint: string; cardText: string; pairingText: string };

describeLan('Firefox ESR (secure page) → Node device directly from its card text, no relay', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  it('pairs with the pairing card pasted as text and echoes on a DataChannel', async () => {
    const t0 = performance.now();
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-firefox-direct-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    await writePage(dir);
    const lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [a, b] = lan.hosts;
    if (!a || !b) throw new Error('LAN has fewer than 2 hosts');
    const device = deviceLines(a.node(join(qrE2e, 'device.ts'), [a.ip, '5000']));
    const ready = (await device.next((l) => l.ready === true)) as Ready;
    const url = await serveInHost(b, dir);

    const tLaunch = performance.now();
    const firefox = await firefoxIn(b);
    cleanup.push(() => firefox.close());
    const launchMs = performance.now() - tLaunch;
    const page = await firefox.open(url, 'qrE2e');
    const call = steps<QrE2e>(page, 'qrE2e');
    expect(await page.evaluate(() => navigator.userAgent)).toMatch(/Firefox\//);
    // http://localhost is a secure context in Firefox too; there is a mediaDevices object, no camera.
    expect(await call('context')).toEqual({ secure: true, origin: url.slice(0, -1), camera: true });
    const me = ok(await call('start'));

    const first = ok(await call('connectText', ready.pairingText));
    expect(first).toMatchObject({ remote: ready.id, paired: true, remoteFingerprint: ready.fingerprint });
    // No SDP change: the applied description has the ICE credentials, fingerprint and DTLS role
    // createAnswer made. (Firefox re-serializes it on apply — it adds a session-level `a=sendrecv` —
    // so the byte-for-byte checks of the Chromium test do not hold here.)
    expect(first.credentials.now).toEqual(first.credentials.created);
    expect(first.credentials.created.filter((l) => l.startsWith('a=setup'))).toEqual(['a=setup:active']);
    const seen = await device.next((l) => l.connection === me.id);
    expect(seen).toMatchObject({ paired: true, remoteFingerprint: me.fingerprint });
    expect(await call('trusted', ready.id)).toBe(true);

    ok(await call('chat', true, 'hello device'));
    await expect
      .poll(
        async () =>
          (await page.evaluate(() => (globalThis as unknown as { qrE2e: QrE2e }).qrE2e.received)).messages,
        {
          timeout: 5_000,
        },
      )
      .toEqual(['chat:echo:hello device']);
    await device.next((l) => l.message === 'hello device' && l.from === me.id);
    expect(device.lines.filter((l) => 'peerError' in l)).toEqual([]);
    const pairs = await selectedPairs(page);
    expect(pairs.some((p) => p.remoteAddress === `${a.ip}:${String(ready.port)}`)).toBe(true);

    console.log(
      JSON.stringify({
        test: 'firefox direct pair from card text',
        launchMs: Math.round(launchMs),
        pairAndConnectMs: first.ms,
        selectedPairs: pairs,
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 30_000);
});
