/**
 * The patched werift still accepts a real browser: Chromium answers a createNodePeer offer, so
 * Chromium is the DTLS client whose CertificateVerify the patch now checks, and its ICE checks must
 * pass the MESSAGE-INTEGRITY check. Chromium keeps its mDNS host-candidate obfuscation, so werift
 * (which drops `.local` candidates by default) reaches it through the peer-reflexive candidate.
 * Chromium can send werift a 200 KiB message: createNodePeer announces the card offer's
 * max-message-size (262144), not werift's default 65536.
 */
import { existsSync } from 'node:fs';
import { CHROMIUM_ARGS } from '@lanrtc/lan-harness/chromium';
import { DIRECT_MAX_MESSAGE_SIZE } from '@lanrtc/signal-core/protocol';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createDtlsCertificate, createNodePeer, remoteCertificateFingerprint } from '../../src/index.js';
import { IN_NETNS, opened, waitFor } from '../peer/pair.js';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!IN_NETNS || !existsSync(CHROMIUM))('werift patch: Chromium interop (netns)', () => {
  it('Chromium as DTLS client connects and echoes; its certificate is the one in its answer', async () => {
    // playwright-core gives the browser a fresh temporary profile of its own.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
    });
    const pc = createNodePeer({
      certificate: await createDtlsCertificate(),
      interfaceAddresses: ['10.77.0.1'],
    });
    try {
      const page = await browser.newPage();
      const channel = pc.createDataChannel('echo');
      await pc.setLocalDescription(await pc.createOffer());
      if (pc.iceGatheringState !== 'complete') {
        await waitFor(pc.iceGatheringStateChange, (s) => s === 'complete', 5_000, 'gathering');
      }
      const offer = pc.localDescription?.sdp ?? '';
      const answer = await page.evaluate(async (sdp: string) => {
        const remote = new RTCPeerConnection();
        remote.ondatachannel = (e) => {
          e.channel.onmessage = (m) => e.channel.send(`echo:${m.data}`);
          (globalThis as unknown as { channel: RTCDataChannel }).channel = e.channel;
        };
        await remote.setRemoteDescription({ type: 'offer', sdp });
        await remote.setLocalDescription();
        await new Promise<void>((resolve) => {
          if (remote.iceGatheringState === 'complete') return resolve();
          remote.onicegatheringstatechange = () => remote.iceGatheringState === 'complete' && resolve();
          setTimeout(resolve, 3_000);
        });
        (globalThis as unknown as { keep: unknown }).keep = remote;
        return remote.localDescription?.sdp ?? '';
      }, offer);
      expect(answer).toMatch(/a=setup:active/);
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      await opened(channel, 10_000);
      expect(pc.dtlsTransports[0]?.role).toBe('server');

      const reply = waitFor(channel.onMessage, () => true, 5_000, 'echo');
      channel.send('hello');
      expect(Buffer.from(await reply).toString()).toBe('echo:hello');

      // RFC 8841 §6: Chromium sends no message larger than werift's offer announced (it throws).
      const big = waitFor(channel.onMessage, (m) => typeof m !== 'string', 5_000, '200 KiB message');
      const sent = await page.evaluate(() => {
        const g = globalThis as unknown as { channel: RTCDataChannel; keep: RTCPeerConnection };
        const data = new Uint8Array(200 * 1024).map((_, i) => i % 251);
        g.channel.send(data);
        return g.keep.sctp?.maxMessageSize;
      });
      expect(sent).toBe(DIRECT_MAX_MESSAGE_SIZE);
      const got = (await big) as Buffer;
      expect(got.length).toBe(200 * 1024);
      expect(got.every((b, i) => b === i % 251)).toBe(true);

      const sdpFingerprint = /a=fingerprint:sha-256 (\S+)/.exec(answer)?.[1] ?? '';
      const seen = remoteCertificateFingerprint(pc);
      expect(Buffer.from(seen ?? []).toString('hex')).toBe(sdpFingerprint.replaceAll(':', '').toLowerCase());
      expect(seen?.length).toBe(32);
    } finally {
      await pc.close();
      await browser.close();
    }
  }, 40_000);
});
