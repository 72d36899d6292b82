/**
 * A device that adds its video track in the agent's `setup` hook, visited again and again by a
 * paired Chromium page over the real relay (2-host LAN, as relay-media.test.ts). The answer to the
 * page's offer cannot carry the track, so the device offers it the moment its side is handed over —
 * often while the page is still finishing its own hand-over (reading the DTLS certificate from the
 * stats, checking its trust store). Every visit must get that offer answered and decode frames.
 * Visits alternate between the page as it is (the offer comes early in about 1 visit in 12 on the
 * namespace LAN) and the page reading the certificate 50 ms later, as a busy page does, so that the
 * offer comes early on nearly every such visit.
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { call, type Setup, setup } from './harness.js';

const VISITS = 24;
const SLOW_CERTIFICATE_READ_MS = 50;

describeLan('browser-client over the real relay: a track added in the device setup hook', () => {
  let env: Setup | undefined;
  afterEach(async () => {
    await env?.teardown();
    env = undefined;
  });

  it(`the page answers the device's renegotiation and decodes frames on each of ${VISITS} visits`, async () => {
    const t0 = performance.now();
    env = await setup('default', undefined, { setupVideo: true });
    const { device, ready } = env;
    const page = await env.openPage();
    const failures: Record<string, unknown>[] = [];
    const trackToDecodedMs: number[] = [];
    let visited = 0;
    for (let visit = 0; visit < VISITS; visit++) {
      visited += 1;
      if (visit > 0) {
        // A new visit: the same browser profile (identity and trust in IndexedDB), a fresh page.
        await page.reload();
        await page.waitForFunction(() => 'relayE2e' in globalThis);
      }
      const slow = visit % 2 === 1;
      if (slow) await call(page, 'slowCertificateRead', SLOW_CERTIFICATE_READ_MS);
      const started = await call(page, 'start');
      if (!started.ok) throw new Error(`start failed: ${started.error}`);
      if (visit === 0) {
        expect(await call(page, 'enterPin', ready.id, ready.pin)).toEqual({ ok: true, value: null });
      }
      const from = device.lines.length;
      const echo = await call(page, 'connectEcho', ready.id, `visit ${visit}`);
      expect(echo).toMatchObject({ ok: true, value: { reply: `echo:visit ${visit}` } });
      const video = await call(page, 'video');
      const rejected = await call(page, 'rejected');
      const deviceErrors = device.lines.slice(from).filter((l) => 'sessionError' in l);
      if (!video.ok || deviceErrors.length > 0 || Object.keys(rejected).length > 0) {
        failures.push({ visit, slow, video, rejected, deviceErrors });
        // A failed visit waits out the video step's deadline (8 s): a few are evidence enough.
        if (failures.length === 3) break;
      } else {
        expect(video.value.framesDecoded).toBeGreaterThan(0);
        expect(video.value.width).toBeGreaterThan(0);
        trackToDecodedMs.push(video.value.ms);
      }
    }
    trackToDecodedMs.sort((x, y) => x - y);
    console.log(
      JSON.stringify({
        test: 'relay media from setup, repeated visits',
        visits: visited,
        failed: failures.length,
        medianMs: trackToDecodedMs[Math.floor(trackToDecodedMs.length / 2)],
        totalMs: Math.round(performance.now() - t0),
      }),
    );
    // Each failed visit with what each side saw: the page's video step, its dropped frames, the device's errors.
    expect(failures).toEqual([]);
  }, 90_000);
});
