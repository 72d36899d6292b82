/**
 * A page from a secure origin that is NOT the device (a static server on
 * `localhost` in the browser's own LAN host, standing in for an installed https app, which could
 * not open `ws://` to a LAN address) reaches a Node device on another host by WebRTC alone: no relay,
 * no WebSocket, no SDP change. The device is node-agent's `createDirectListener` (werift, ICE-lite,
 * one UDP port). 2: the page scans the device's pairing-card QR from its fake camera, pairs in-band
 * with the card's secret and talks; then reconnects from the plain card with no secret. 3: pages
 * that connect but fail in-band authentication (not paired, or silent) are dropped within the
 * deadline and receive no application data, while an authenticated page on the same card does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan, type LanHost } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { qrMatrix } from '../../src/qr/render.js';
import { type Device, type DeviceLine, deviceLines } from '../relay-e2e/harness.js';
import { call, fakeCamera, ok, openPage, received, serveInHost, writePage, writeY4m } from './harness.js';
import { qrToGrey } from './y4m.js';

const here = dirname(fileURLToPath(import.meta.url));
const AUTH_DEADLINE_MS = 3_000;

type Ready = DeviceLine & { id: string; fingerprint: string; cardText: string; pairingText: string };

describeLan('direct connect: secure-origin page → Node device from its QR card, no relay', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  /** A 2-host LAN: the device on A, the page's static server on B; the page directory. */
  async function setup(): Promise<{
    dir: string;
    device: Device;
    ready: Ready;
    hostB: LanHost;
    url: string;
  }> {
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-direct-e2e-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    await writePage(dir);
    const lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [hostA, hostB] = lan.hosts;
    if (!hostA || !hostB) throw new Error('LAN has fewer than 2 hosts');
    const device = deviceLines(hostA.node(join(here, 'device.ts'), [hostA.ip, String(AUTH_DEADLINE_MS)]));
    const ready = (await device.next((l) => l.ready === true)) as Ready;
    return { dir, device, ready, hostB, url: await serveInHost(hostB, dir) };
  }

  it('pairs by scanning the pairing card with the camera, talks, and reconnects from the plain card', async () => {
    const t0 = performance.now();
    const { dir, device, ready, hostB, url } = await setup();
    // The device's pairing card, drawn in Node from the QR module matrix, is the camera's picture.
    const y4m = join(dir, 'card.y4m');
    writeY4m(y4m, qrToGrey(qrMatrix(ready.pairingText)));
    const b = await openPage(hostB, url, fakeCamera(y4m));
    cleanup.push(() => b.close());
    expect(await call(b.page, 'context')).toEqual({ secure: true, origin: url.slice(0, -1), camera: true });
    const me = ok(await call(b.page, 'start'));

    const first = ok(await call(b.page, 'connectFromCamera'));
    expect(first).toMatchObject({ remote: ready.id, paired: true, remoteFingerprint: ready.fingerprint });
    // No local SDP change: the answer createAnswer made is what was applied (candidates aside, which
    // ICE gathering adds to the local description afterwards), with the very same credentials.
    expect(first.localUnchanged).toBe(true);
    expect(first.exactAtApply).toBe(true);
    expect(first.credentials.now).toEqual(first.credentials.created);
    expect(first.credentials.created.filter((l) => l.startsWith('a=setup'))).toEqual(['a=setup:active']);
    const seen = await device.next((l) => l.connection === me.id);
    expect(seen).toMatchObject({ paired: true, remoteFingerprint: me.fingerprint });
    expect(await call(b.page, 'trusted', ready.id)).toBe(true);

    ok(await call(b.page, 'chat', true, 'hello device'));
    await expect
      .poll(async () => (await received(b.page)).messages, { timeout: 5_000 })
      .toEqual(['chat:echo:hello device']);
    await call(b.page, 'close');
    await device.next((l) => l.ended === me.id);

    // Paired now: the plain card (no secret) is enough; the proof path runs.
    const second = ok(await call(b.page, 'connectText', ready.cardText));
    expect(second).toMatchObject({ remote: ready.id, paired: false, remoteFingerprint: ready.fingerprint });
    await device.next((l) => l.connection === me.id && l.paired === false);
    ok(await call(b.page, 'chat', true, 'again'));
    await expect
      .poll(async () => (await received(b.page)).messages, { timeout: 5_000 })
      .toEqual(['chat:echo:hello device', 'chat:echo:again']);
    expect(device.lines.filter((l) => 'peerError' in l)).toEqual([]);
    console.log(
      JSON.stringify({
        test: 'direct pair from camera + reconnect',
        pairingChars: ready.pairingText.length,
        pairingQrVersion: qrMatrix(ready.pairingText).version,
        cardChars: ready.cardText.length,
        scanAndPairMs: first.ms,
        reconnectMs: second.ms,
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 60_000);

  it('drops pages that fail in-band authentication within the deadline; they get no application data', async () => {
    const t0 = performance.now();
    const { device, ready, hostB, url } = await setup();
    const browser = await openPage(hostB, url);
    cleanup.push(() => browser.close());
    // The control: a page that pairs with the QR pairing card's text and stays connected.
    const good = browser.page;
    const goodId = ok(await call(good, 'start'));
    expect(ok(await call(good, 'connectText', ready.pairingText))).toMatchObject({
      remote: ready.id,
      paired: true,
    });

    // (a) a page that is not paired and has no secret: the device refuses it in-band.
    const stranger = await browser.newPage();
    const strangerId = ok(await call(stranger, 'start'));
    expect(strangerId.id).not.toBe(goodId.id);
    const refused = await call(stranger, 'connectText', ready.cardText);
    expect(refused).toMatchObject({ ok: false, error: 'PeerRejectedError' });
    // (b) a page that connects and never authenticates, sending on an app channel meanwhile.
    const silent = await browser.newPage();
    ok(await call(silent, 'start'));
    const raw = ok(await call(silent, 'rawConnect', ready.cardText, AUTH_DEADLINE_MS + 1_000));
    expect(raw.connected).toBe(true);
    // The device's hello at once, then its reject when the deadline passed (the device dropped it).
    expect(raw.auth.map((m) => m.type)).toEqual([1, 5]);
    const rejectMs = raw.auth[1]?.ms ?? Number.POSITIVE_INFINITY;
    expect(rejectMs).toBeGreaterThanOrEqual(AUTH_DEADLINE_MS - 500);
    expect(rejectMs).toBeLessThanOrEqual(AUTH_DEADLINE_MS + 500);
    // Not one byte of application data, although the page kept its app channel open and sent on it.
    expect(raw.appMessages).toEqual([]);

    // The device's app now sends to every connection it has: only the authenticated page gets it.
    device.send('broadcast tick');
    await device.next((l) => l.broadcast === 'tick');
    await expect.poll(async () => (await received(good)).messages, { timeout: 5_000 }).toEqual(['news:tick']);
    expect((await received(stranger)).messages).toEqual([]);
    const stats = (await device.request('stats', (l) => 'stats' in l)).stats as Record<string, number>;
    expect(stats).toMatchObject({ accepted: 1, paired: 1 });
    expect(stats.authFailures).toBeGreaterThanOrEqual(1);
    expect(stats.authTimeouts).toBeGreaterThanOrEqual(1);
    expect(stats.droppedChannels).toBeGreaterThanOrEqual(1);
    expect(device.lines.filter((l) => 'connection' in l).map((l) => l.connection)).toEqual([goodId.id]);
    expect(device.lines.filter((l) => 'message' in l)).toEqual([]);
    console.log(
      JSON.stringify({
        test: 'direct auth failures dropped',
        silentAuth: raw.auth,
        stats,
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 60_000);

  it('keeps a dropped peer out: its consent checks do not re-admit it, and its ICE goes down', async () => {
    const { device, ready, hostB, url } = await setup();
    const browser = await openPage(hostB, url);
    cleanup.push(() => browser.close());
    ok(await call(browser.page, 'start'));
    const holdMs = AUTH_DEADLINE_MS + 8_000;
    const raw = ok(await call(browser.page, 'rawConnect', ready.cardText, holdMs));
    const stats = (await device.request('stats', (l) => 'stats' in l)).stats as Record<string, number>;
    console.log(JSON.stringify({ test: 'dropped peer stays out', auth: raw.auth, down: raw.down, stats }));
    expect(raw.auth.map((m) => m.type)).toEqual([1, 5]);
    // One admission, one timeout: the page's STUN consent checks (RFC 7675) after the drop must not
    // start a new admission, or an unauthenticated page holds a peer slot for as long as it likes.
    expect(stats).toMatchObject({ authTimeouts: 1, peers: 0, connected: 0 });
    // And the page notices: its ICE stops receiving answers (or the device closed the association).
    expect(raw.down.length).toBeGreaterThan(0);
    expect(raw.appMessages).toEqual([]);
  }, 60_000);
});
