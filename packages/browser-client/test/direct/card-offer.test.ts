/**
 * Chromium accepts signal-core's `cardToOffer` as a remote offer and answers it without any SDP
 * change (IPv4, IPv6 and mDNS `.local` candidates; ICE-lite), and `connectDirect`'s failure paths
 * are typed and close the peer connection: a text that is not a card, an expired card, a device that
 * never answers (SessionTimeoutError), an abort. The page is `http://localhost` answered by
 * Playwright: no socket is opened, and the card's addresses lead nowhere.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCard, createIdentity, encodeQrCard, encodeQrPairingCard, openCard } from '@lanrtc/signal-core';
import { encodeQrOffer } from '@lanrtc/signal-core/codec';
import { cardToOffer } from '@lanrtc/signal-core/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, IN_NETNS, launchChromium, openRoutedPage } from '../helpers/chromium.js';

type Lib = typeof import('../../src/index.js') &
  typeof import('@lanrtc/signal-core') &
  typeof import('@lanrtc/signal-core/testing') &
  typeof import('@lanrtc/signal-core/protocol');
const here = dirname(fileURLToPath(import.meta.url));

const device = createIdentity();
function cardBytes(expiresAt?: number): Uint8Array {
  const issuedAt = expiresAt === undefined ? undefined : expiresAt - 3600;
  return createCard(device, {
    name: 'kitchen display',
    deviceTypes: ['files'],
    fingerprint: Uint8Array.from({ length: 32 }, (_, i) => i * 7),
    ice: { ufrag: 'Dev1', pwd: 'abcdefghijklmnopqrstuvwx' },
    candidates: [
      // TEST-NET-1 / documentation addresses (RFC 5737, RFC 3849) and an mDNS name: nothing answers.
      { address: '192.0.2.10', port: 40_000 },
      { address: '2001:db8::10', port: 40_000 },
      { address: 'kitchen-display.local', port: 40_000 },
    ],
    ...(issuedAt !== undefined ? { issuedAt } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  });
}

describe.skipIf(!IN_NETNS)('direct connect building blocks in Chromium', () => {
  let chromium: { browser: Browser; close(): Promise<void> } | undefined;
  let page: Page;

  beforeAll(async () => {
    const script = await bundleForBrowser(join(here, 'direct.browser.ts'));
    chromium = await launchChromium();
    page = await openRoutedPage(chromium.browser, script, 'lanrtc', 'http://localhost:8123');
  }, 30_000);
  afterAll(async () => {
    await chromium?.close();
  });

  it('accepts cardToOffer as remote offer and answers it unchanged (active DTLS, one data m-line)', async () => {
    const offer = cardToOffer(openCard(cardBytes()));
    const r = await page.evaluate(async (offer) => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      const pc = new RTCPeerConnection({ iceServers: [] });
      const auth = pc.createDataChannel(L.DIRECT_AUTH_LABEL, {
        negotiated: true,
        id: L.DIRECT_AUTH_CHANNEL_ID,
      });
      await pc.setRemoteDescription(offer);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      const local = pc.localDescription?.sdp ?? '';
      const remote = pc.remoteDescription?.sdp ?? '';
      const out = {
        unchanged: local === answer.sdp,
        signaling: pc.signalingState,
        authId: auth.id,
        answerLines: (answer.sdp ?? '')
          .split('\r\n')
          .filter((l) => /^(m=|a=setup|a=mid|a=sctp-port|a=ice-lite)/.test(l)),
        remoteCandidates: remote.split('\r\n').filter((l) => l.startsWith('a=candidate')).length,
        remoteIceLite: remote.includes('a=ice-lite'),
      };
      pc.close();
      return out;
    }, offer);
    expect(r).toEqual({
      unchanged: true,
      signaling: 'stable',
      authId: 1000,
      answerLines: [
        'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
        'a=setup:active',
        'a=mid:0',
        'a=sctp-port:5000',
      ],
      remoteCandidates: 3,
      remoteIceLite: true,
    });
  });

  it('fails connectDirect with typed errors and closes the peer connection every time', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const texts = {
      card: encodeQrCard(cardBytes()),
      pairingCard: encodeQrPairingCard(cardBytes(), new Uint8Array(16).fill(9)),
      expired: encodeQrCard(cardBytes(nowS - 60)),
      offer: encodeQrOffer(cardToOffer(openCard(cardBytes()))),
    };
    const r = await page.evaluate(async (texts) => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      const db = await L.openLanrtcDb('direct-1');
      const identity = await L.loadOrCreateIdentity(db);
      const { certificate } = await L.loadOrCreateCertificate(db);
      const peers: RTCPeerConnection[] = [];
      const base = {
        identity,
        certificate,
        trust: L.createMemoryTrustStore(),
        onPeer: (p: { pc: RTCPeerConnection }) => void peers.push(p.pc),
      };
      const name = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (e: Error) => e.name,
        );
      const t = performance.now();
      const timeout = await name(L.connectDirect(texts.card, { ...base, timeoutMs: 1_500 }));
      const timeoutMs = Math.round(performance.now() - t);
      const abort = new AbortController();
      const aborted = name(L.connectDirect(texts.pairingCard, { ...base, signal: abort.signal }));
      setTimeout(() => abort.abort(), 200);
      const out = {
        timeout,
        timeoutMs,
        aborted: await aborted,
        expired: await name(L.connectDirect(texts.expired, base)),
        notACard: await name(L.connectDirect(texts.offer, base)),
        garbage: await name(L.connectDirect('LR1:%%%', base)),
        states: peers.map((p) => p.connectionState),
      };
      db.close();
      return out;
    }, texts);
    expect(r).toMatchObject({
      timeout: 'SessionTimeoutError',
      aborted: 'AbortError',
      expired: 'CardExpiredError',
      notACard: 'MalformedInputError',
      garbage: 'MalformedInputError',
      // Only the two that got as far as a peer connection made one; both are closed.
      states: ['closed', 'closed'],
    });
    expect(r.timeoutMs).toBeGreaterThanOrEqual(1_400);
    expect(r.timeoutMs).toBeLessThan(4_000);
  });
});
