/**
 * Firefox ESR over the real relay, on a 2-host virtual LAN: host A runs the relay e2e device fixture
 * (createRelay on A's LAN address serving the page over plain http, a Node agent logged into it);
 * Firefox runs in host B with its default `UUID.local` host-candidate obfuscation. The page (the
 * relay e2e page Chromium runs, unchanged) pairs with the device by its PIN and echoes on a
 * DataChannel.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { type DeviceLine, deviceLines, pageBundle } from '../relay-e2e/harness.js';
import type { RelayE2e } from '../relay-e2e/page.js';
import { firefoxIn, selectedPairs, steps } from './harness.js';

const relayE2e = join(dirname(fileURLToPath(import.meta.url)), '..', 'relay-e2e');
const INDEX_HTML =
  '<!doctype html><meta charset="utf-8"><title>lanrtc relay e2e</title><script type="module" src="/app.js"></script>';

type Ready = DeviceLine & { id: string; pin: string; fingerprint: string; url: string };

describeLan('Firefox ESR (insecure page from the relay) ↔ Node device', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  it('pairs by the printed PIN and echoes over a DataChannel', async () => {
    const t0 = performance.now();
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-firefox-relay-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'index.html'), INDEX_HTML);
    writeFileSync(join(dir, 'app.js'), await pageBundle());
    const lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [a, b] = lan.hosts;
    if (!a || !b) throw new Error('LAN has fewer than 2 hosts');
    const device = deviceLines(a.node(join(relayE2e, 'device.ts'), [a.ip, dir, 'default']));
    const ready = (await device.next((l) => l.ready === true)) as Ready;
    const origin = ready.url.replace(/^ws:/, 'http:').replace(/\/$/, '');

    const tLaunch = performance.now();
    const firefox = await firefoxIn(b);
    cleanup.push(() => firefox.close());
    const launchMs = performance.now() - tLaunch;
    const page = await firefox.open(`${origin}/`, 'relayE2e');
    const call = steps<RelayE2e>(page, 'relayE2e');

    const context = await call('context');
    expect(context).toEqual({ secure: false, subtle: 'undefined', origin });
    expect(origin).toMatch(/^http:\/\/10\.\d+\.\d+\.\d+:\d+$/);
    expect(await page.evaluate(() => navigator.userAgent)).toMatch(/Firefox\//);

    const started = await call('start');
    if (!started.ok) throw new Error(`start failed: ${started.error} ${started.message ?? ''}`);
    const me = started.value;
    expect(await call('deviceId')).toBe(ready.id);

    const tPair = performance.now();
    expect(await call('enterPin', ready.id, ready.pin)).toEqual({
      ok: true,
      value: null,
    });
    const pairMs = performance.now() - tPair;
    await device.next((l) => l.paired === me.id);
    expect(await call('trusted', ready.id)).toBe(true);

    const echo = await call('connectEcho', ready.id, 'hello');
    expect(echo).toMatchObject({
      ok: true,
      value: { remote: ready.id, remoteFingerprint: ready.fingerprint, reply: 'echo:hello' },
    });
    // The device saw the page's persisted certificate in DTLS, and the page's message.
    const conn = await device.next((l) => l.connection === me.id);
    expect(conn.remoteFingerprint).toBe(me.fingerprint);
    await device.next((l) => l.message === 'hello' && l.from === me.id);
    expect(device.lines.filter((l) => 'sessionError' in l || 'pairingFailed' in l)).toEqual([]);
    const pairs = await selectedPairs(page);
    expect(pairs.some((p) => p.remoteAddress.startsWith(`${a.ip}:`))).toBe(true);

    console.log(
      JSON.stringify({
        test: 'firefox relay pair+echo',
        launchMs: Math.round(launchMs),
        pairMs: Math.round(pairMs),
        connectEchoMs: echo.ok ? echo.value.ms : undefined,
        selectedPairs: pairs,
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 30_000);
});
