/**
 * Pairing and connecting over the REAL relay, on a 2-host virtual LAN (lan-harness): host A runs the device
 * fixture (createRelay on A's LAN address serving the page over plain http on the same origin, and a
 * Node agent logged into it); Chromium runs in host B. The page logs into the relay it was served
 * from with signal-core's `connectRelay` over the browser's native WebSocket.
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { call, received, type Setup, setup } from './harness.js';

describeLan('browser-client over the real relay: Chromium (insecure page) ↔ Node device / ↔ Chromium', () => {
  let env: Setup | undefined;
  afterEach(async () => {
    await env?.teardown();
    env = undefined;
  });

  it('pairs by the printed PIN, echoes over a DataChannel, and reconnects after a reload with no PIN', async () => {
    const t0 = performance.now();
    env = await setup();
    const { device, ready } = env;
    const page = await env.openPage();
    const context = await call(page, 'context');
    expect(context).toEqual({ secure: false, subtle: 'undefined', origin: env.origin });
    expect(env.origin).toMatch(/^http:\/\/10\.\d+\.\d+\.\d+:\d+$/);

    const started = await call(page, 'start');
    if (!started.ok) throw new Error(`start failed: ${started.error}`);
    const me = started.value;
    expect(await call(page, 'deviceId')).toBe(ready.id);
    expect(await call(page, 'trusted', ready.id)).toBe(false);

    const tPair = performance.now();
    expect(await call(page, 'enterPin', ready.id, ready.pin)).toEqual({ ok: true, value: null });
    const pairMs = performance.now() - tPair;
    await device.next((l) => l.paired === me.id);

    const first = await call(page, 'connectEcho', ready.id, 'hello');
    expect(first).toMatchObject({
      ok: true,
      value: { remote: ready.id, remoteFingerprint: ready.fingerprint, reply: 'echo:hello' },
    });
    const firstConn = await device.next((l) => l.connection === me.id);
    // The device saw the page's persisted certificate in DTLS.
    expect(firstConn.remoteFingerprint).toBe(me.fingerprint);

    // Reload: the page's identity, certificate and trust come back from IndexedDB; the device
    // process stayed up and remembers the page. No PIN is entered.
    await page.reload();
    await page.waitForFunction(() => 'relayE2e' in globalThis);
    const again = await call(page, 'start');
    expect(again).toEqual({ ok: true, value: me });
    expect(await call(page, 'trusted', ready.id)).toBe(true);
    const second = await call(page, 'connectEcho', ready.id, 'again');
    expect(second).toMatchObject({
      ok: true,
      value: { remote: ready.id, remoteFingerprint: ready.fingerprint, reply: 'echo:again' },
    });
    await device.next((l) => l.message === 'again' && l.from === me.id);
    expect(device.lines.filter((l) => 'paired' in l)).toHaveLength(1);
    expect(device.lines.filter((l) => l.connection === me.id)).toHaveLength(2);
    expect(device.lines.filter((l) => 'sessionError' in l || 'pairingFailed' in l)).toEqual([]);
    expect((await received(page)).messages).toEqual(['echo:again']);

    console.log(
      JSON.stringify({
        test: 'relay pair+reload',
        pairMs: Math.round(pairMs),
        firstConnectEchoMs: first.ok ? first.value.ms : undefined,
        reconnectEchoMs: second.ok ? second.value.ms : undefined,
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 40_000);

  it('a device-served (insecure) page fetches HTTP from the device with openHttpClient: JSON, an image, 403, a range', async () => {
    const t0 = performance.now();
    env = await setup('default', undefined, { http: true });
    const { device, ready } = env;
    const page = await env.openPage();
    expect(await call(page, 'context')).toMatchObject({ secure: false, subtle: 'undefined' });
    const started = await call(page, 'start');
    if (!started.ok) throw new Error(`start failed: ${started.error}`);
    expect(await call(page, 'enterPin', ready.id, ready.pin)).toEqual({ ok: true, value: null });
    expect(await call(page, 'connectEcho', ready.id, 'hi')).toMatchObject({ ok: true });
    await device.next((l) => l.connection === started.value.id);

    const http = await call(page, 'http');
    if (!http.ok) throw new Error(`http failed: ${http.error} ${http.message ?? ''}`);
    expect(http.value.json).toEqual({ device: 'relay-e2e', n: 42 });
    // 1×1 PNG (70 bytes), decoded from a blob: URL.
    expect(http.value.image).toEqual({ status: 200, type: 'image/png', bytes: 70, naturalWidth: 1 });
    expect(http.value.forbidden).toBe(403);
    // The PNG signature's bytes 1–3 are "PNG".
    expect(http.value.range).toEqual({
      status: 206,
      contentRange: 'bytes 1-3/70',
      bytes: [0x50, 0x4e, 0x47],
    });
    expect(device.lines.filter((l) => 'sessionError' in l)).toEqual([]);

    console.log(
      JSON.stringify({
        test: 'relay http (insecure page)',
        httpMs: http.value.ms,
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 40_000);

  it('two Chromium pages (separate browser contexts) pair through the relay and exchange messages both ways', async () => {
    const t0 = performance.now();
    env = await setup();
    const [shower, typer] = [await env.openPage(), await env.openPage()];
    // Page ↔ page connects wait for Chromium to resolve the other page's mDNS host candidate; under
    // the full suite's load one failed after ~6 s, the default step deadline (1 full run in 5).
    const a = await call(shower, 'start', false, 15_000);
    const b = await call(typer, 'start', false, 15_000);
    if (!a.ok || !b.ok) throw new Error('start failed');
    // Separate contexts: separate IndexedDB, so separate identities.
    expect(a.value.id).not.toBe(b.value.id);

    const pin = await call(shower, 'showPin');
    expect(pin).toMatch(/^\d{6}$/);
    expect(await call(typer, 'enterPin', a.value.id, pin)).toEqual({ ok: true, value: null });
    // The showing side stores the peer just after its last pairing message: wait for it.
    await expect.poll(() => call(shower, 'trusted', b.value.id), { timeout: 5_000 }).toBe(true);

    const ab = await call(typer, 'connectEcho', a.value.id, 'hi from B');
    if (!ab.ok) console.log(JSON.stringify({ test: 'two pages', connectFailed: ab }));
    expect(ab).toMatchObject({
      ok: true,
      value: { remote: a.value.id, remoteFingerprint: a.value.fingerprint, reply: 'echo:hi from B' },
    });
    // The other direction: A calls B, which it now trusts too.
    const ba = await call(shower, 'connectEcho', b.value.id, 'hi from A');
    expect(ba).toMatchObject({
      ok: true,
      value: { remote: b.value.id, remoteFingerprint: b.value.fingerprint, reply: 'echo:hi from A' },
    });
    expect(await received(shower)).toEqual({
      connections: [b.value.id],
      messages: ['hi from B', 'echo:hi from A'],
    });
    expect(await received(typer)).toEqual({
      connections: [a.value.id],
      messages: ['echo:hi from B', 'hi from A'],
    });
    // The device took no part.
    expect(env.device.lines.filter((l) => !('ready' in l))).toEqual([]);
    console.log(
      JSON.stringify({
        test: 'relay page↔page',
        connectEchoMs: [ab.ok ? ab.value.ms : undefined, ba.ok ? ba.value.ms : undefined],
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 40_000);
});
