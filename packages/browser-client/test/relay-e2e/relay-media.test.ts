/**
 * Media into a page, by renegotiation over the real relay (2-host LAN, as relay-pair.test.ts): a
 * Chromium page pairs with the Node device and opens a DataChannel; then the device adds a synthetic
 * VP8 track (werift dummy media). `negotiationneeded` makes the device's agent send a signed offer on
 * the same signalling session, the page's agent answers, and the page decodes frames.
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { call, type Setup, setup } from './harness.js';

describeLan('browser-client over the real relay: renegotiation adds a video track after connect', () => {
  let env: Setup | undefined;
  afterEach(async () => {
    await env?.teardown();
    env = undefined;
  });

  it('a Node device adds a VP8 track after the DataChannel is up; the page decodes frames', async () => {
    const t0 = performance.now();
    env = await setup();
    const { device, ready } = env;
    const page = await env.openPage();
    const started = await call(page, 'start');
    if (!started.ok) throw new Error(`start failed: ${started.error}`);
    const me = started.value;
    expect(await call(page, 'enterPin', ready.id, ready.pin)).toEqual({ ok: true, value: null });
    const echo = await call(page, 'connectEcho', ready.id, 'before video');
    expect(echo).toMatchObject({ ok: true, value: { reply: 'echo:before video' } });
    const conn = await device.next((l) => l.connection === me.id);

    const added = await device.request(`video ${me.id}`, (l) => 'video' in l);
    expect(added).toMatchObject({ video: 'added', session: conn.session });
    const video = await call(page, 'video');
    if (!video.ok) throw new Error(`video failed: ${video.error} ${video.message ?? ''}`);
    expect(video.value.framesDecoded).toBeGreaterThan(0);
    expect(video.value.width).toBeGreaterThan(0);
    // The same signalling session carried the renegotiation; nothing failed on either side.
    expect(video.value.session).toBe(conn.session);
    expect(device.lines.filter((l) => 'connection' in l)).toHaveLength(1);
    expect(device.lines.filter((l) => 'sessionError' in l)).toEqual([]);
    expect(await call(page, 'rejected')).toEqual({});

    console.log(
      JSON.stringify({
        test: 'relay media renegotiation',
        trackToDecodedMs: video.value.ms,
        framesDecoded: video.value.framesDecoded,
        size: `${video.value.width}x${video.value.height}`,
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 40_000);
});
