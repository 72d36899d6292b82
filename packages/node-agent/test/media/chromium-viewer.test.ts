/**
 * A real Chromium viewer of an ffmpeg media source (werift offers, Chromium answers, in the
 * namespace), for VP8 and for H.264: joining 1.5 s into a 10 s GOP, Chromium decodes its first frame
 * without waiting for the encoder's next keyframe (VP8 without the GOP replay: 7.6 s and 36 PLIs),
 * keeps decoding at the source's rate with the codec asked for, and its jitter buffer does not hold
 * the 1.5 s of replayed GOP (measured 1–175 ms per frame).
 */
import { existsSync } from 'node:fs';
import { CHROMIUM_ARGS } from '@lanrtc/lan-harness/chromium';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createDtlsCertificate, createMediaSource, createNodePeer } from '../../src/index.js';
import { IN_NETNS, settle, waitFor } from '../peer/pair.js';

const CHROMIUM = '/usr/bin/chromium';

interface InboundVideo {
  framesDecoded: number;
  codecId?: string;
  pliCount: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
}

describe.skipIf(!IN_NETNS || !existsSync(CHROMIUM))('media source → Chromium viewer (netns)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it.each([
    ['vp8', 'video/VP8'],
    ['h264', 'video/H264'],
  ] as const)(
    'a %s viewer joining mid-GOP decodes at once and at full rate, with a short jitter buffer',
    async (videoCodec, mimeType) => {
      const source = await createMediaSource({
        input: { kind: 'test-pattern' },
        keyframeIntervalS: 10,
        videoCodec,
      });
      cleanup.push(() => source.close());
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
      cleanup.push(() => browser.close());
      await settle(1_500); // the encoder's next keyframe is ~8 s away
      const pc = createNodePeer({
        certificate: await createDtlsCertificate(),
        interfaceAddresses: ['10.77.0.1'],
        videoCodecs: [videoCodec],
      });
      cleanup.push(() => pc.close());
      source.addTo(pc);
      const page = await browser.newPage();
      await pc.setLocalDescription(await pc.createOffer());
      if (pc.iceGatheringState !== 'complete') {
        await waitFor(pc.iceGatheringStateChange, (s) => s === 'complete', 5_000, 'gathering');
      }
      const answer = await page.evaluate(async (sdp: string) => {
        const remote = new RTCPeerConnection();
        (globalThis as unknown as { remote: RTCPeerConnection }).remote = remote;
        await remote.setRemoteDescription({ type: 'offer', sdp });
        await remote.setLocalDescription();
        await new Promise<void>((resolve) => {
          if (remote.iceGatheringState === 'complete') return resolve();
          remote.onicegatheringstatechange = () => remote.iceGatheringState === 'complete' && resolve();
          setTimeout(resolve, 3_000);
        });
        return remote.localDescription?.sdp ?? '';
      }, pc.localDescription?.sdp ?? '');
      const t0 = performance.now();
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      const inbound = () =>
        page.evaluate(async () => {
          const remote = (globalThis as unknown as { remote: RTCPeerConnection }).remote;
          let found: (InboundVideo & { mimeType?: string | undefined }) | undefined;
          const codecs = new Map<string, string>();
          (await remote.getStats()).forEach((s) => {
            if (s.type === 'inbound-rtp' && s.kind === 'video') found = { ...(s as InboundVideo) };
            if (s.type === 'codec') codecs.set(s.id, s.mimeType);
          });
          if (found?.codecId) found.mimeType = codecs.get(found.codecId);
          return found;
        });
      let first: number | undefined;
      while (first === undefined && performance.now() - t0 < 15_000) {
        if (((await inbound())?.framesDecoded ?? 0) > 0) first = performance.now() - t0;
        else await settle(20);
      }
      const a = await inbound();
      await settle(3_000);
      const b = await inbound();
      if (!a || !b || first === undefined)
        throw new Error(`no decoded frame in 15 s (stats: ${JSON.stringify(b)})`);
      const fps = (b.framesDecoded - a.framesDecoded) / 3;
      const jitterMs =
        (1_000 * (b.jitterBufferDelay - a.jitterBufferDelay)) /
        Math.max(1, b.jitterBufferEmittedCount - a.jitterBufferEmittedCount);
      console.log(
        `Chromium ${b.mimeType} viewer: first frame decoded ${first.toFixed(0)} ms after the answer; ${fps.toFixed(1)} fps; jitter buffer ${jitterMs.toFixed(0)} ms per frame; PLIs sent ${b.pliCount}; keyframes encoded ${source.stats().keyframes}`,
      );
      expect(b.mimeType).toBe(mimeType);
      expect(source.stats().keyframes).toBe(1);
      expect(first).toBeLessThan(3_000);
      expect(fps).toBeGreaterThan(15);
      expect(jitterMs).toBeLessThan(500);
    },
    60_000,
  );
});
