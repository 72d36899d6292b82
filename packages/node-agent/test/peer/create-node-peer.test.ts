/**
 * Two createNodePeer peers in one process, inside the test namespace: connect, echo over a
 * DataChannel, each side sees the other's pinned certificate in the DTLS handshake, and closing
 * leaves no socket or timer behind.
 */
import { performance } from 'node:perf_hooks';
import { DIRECT_MAX_MESSAGE_SIZE } from '@lanrtc/signal-core/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import type { RTCDataChannel } from 'werift';
import {
  certificateFingerprint,
  createDtlsCertificate,
  createNodePeer,
  remoteCertificateFingerprint,
  weriftSecurityPatched,
} from '../../src/index.js';
import { IN_NETNS, negotiate, opened, settle, waitFor } from './pair.js';

const activeHandles = (): number =>
  (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;

describe.skipIf(!IN_NETNS)('createNodePeer (netns)', () => {
  const timings: number[] = [];
  afterAll(() => {
    if (timings.length > 0)
      console.log(
        `createNodePeer in-process createOffer→open: ${timings.map((t) => t.toFixed(0)).join(', ')} ms`,
      );
  });

  it('runs on the patched werift', () => {
    expect(weriftSecurityPatched()).toBe(true);
  });

  it('connects, echoes, cross-checks certificates and closes with nothing left open', async () => {
    const [certA, certB] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
    await settle(50);
    const baseline = activeHandles();

    for (let round = 0; round < 3; round++) {
      const a = createNodePeer({ certificate: certA, interfaceAddresses: ['10.77.0.1'] });
      const b = createNodePeer({ certificate: certB, interfaceAddresses: ['10.77.0.1'] });
      const start = performance.now();
      const incoming = waitFor(b.onDataChannel, () => true, 5_000, 'remote DataChannel');
      const channel = await negotiate(a, b);
      await opened(channel);
      timings.push(performance.now() - start);

      const remote = await incoming;
      remote.onMessage.subscribe((m) => remote.send(Buffer.concat([Buffer.from('echo:'), Buffer.from(m)])));
      const reply = waitFor(channel.onMessage, () => true, 5_000, 'echo');
      channel.send(Buffer.from(`ping ${round}`));
      expect(Buffer.from(await reply).toString()).toBe(`echo:ping ${round}`);

      expect(remoteCertificateFingerprint(a)).toEqual(certificateFingerprint(certB));
      expect(remoteCertificateFingerprint(b)).toEqual(certificateFingerprint(certA));
      expect(remoteCertificateFingerprint(a)).not.toEqual(certificateFingerprint(certA));

      await Promise.all([a.close(), b.close()]);
      expect(a.connectionState).toBe('closed');
      expect(b.connectionState).toBe('closed');
    }

    // werift closes sockets and clears timers asynchronously after close(): poll, then demand baseline.
    for (let i = 0; i < 30 && activeHandles() > baseline; i++) await settle(100);
    expect(activeHandles()).toBeLessThanOrEqual(baseline);
  });

  it('gathers only on the chosen address and port range', async () => {
    const cert = await createDtlsCertificate();
    const pc = createNodePeer({
      certificate: cert,
      interfaceAddresses: ['127.0.0.1'],
      portRange: [47100, 47110],
    });
    pc.createDataChannel('x');
    await pc.setLocalDescription(await pc.createOffer());
    if (pc.iceGatheringState !== 'complete') {
      await waitFor(pc.iceGatheringStateChange, (s) => s === 'complete', 5_000, 'gathering');
    }
    const candidates = (pc.localDescription?.sdp ?? '')
      .split(/\r?\n/)
      .filter((l) => l.startsWith('a=candidate:'));
    expect(candidates.length).toBeGreaterThan(0);
    for (const line of candidates) {
      const [, , , , host, port] = line.split(' ');
      expect(host).toBe('127.0.0.1');
      expect(Number(port)).toBeGreaterThanOrEqual(47100);
      expect(Number(port)).toBeLessThanOrEqual(47110);
    }
    await pc.close();
  });

  it('announces and accepts the card offer max-message-size: a 200 KiB message arrives', async () => {
    const [certA, certB] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
    const a = createNodePeer({ certificate: certA, interfaceAddresses: ['10.77.0.1'] });
    const b = createNodePeer({ certificate: certB, interfaceAddresses: ['10.77.0.1'] });
    try {
      const remote = new Promise<RTCDataChannel>((r) => b.onDataChannel.subscribe(r));
      const channel = await negotiate(a, b);
      for (const pc of [a, b]) {
        expect(pc.localDescription?.sdp).toContain(`a=max-message-size:${DIRECT_MAX_MESSAGE_SIZE}`);
      }
      await opened(channel);
      const rx = await remote;
      const big = Buffer.alloc(200 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = i % 251;
      const got = new Promise<Buffer>((r) => rx.onMessage.once((m) => r(m as Buffer)));
      // werift refuses to send more than the remote announced (65536 before: "max-message-size exceeded").
      channel.send(big);
      expect(Buffer.compare(await got, big)).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await settle(50);
    }
  });
});
