/**
 * werift 0.24.4 accepts `cardToOffer(card)` as a remote offer and answers it without any change to
 * its own local SDP, with the negotiated auth channel (id 1000) created as the connecting side does.
 * No STUN server, no connection attempt is awaited. Opens sockets (ICE gathering): runs inside the
 * test namespace (`node scripts/test.mjs packages/node-agent/test/direct/card-offer-werift`).
 */
import { createCard, createIdentity, openCard } from '@lanrtc/signal-core';
import { parseSdpSummary } from '@lanrtc/signal-core/codec';
import { cardToOffer, DIRECT_AUTH_CHANNEL_ID, DIRECT_AUTH_LABEL } from '@lanrtc/signal-core/protocol';
import { describe, expect, it } from 'vitest';
import { RTCPeerConnection, RTCSessionDescription } from 'werift';
import { noStun } from '../../../../test/kit/werift.js';

const IN_NETNS = process.env.LANRTC_IN_NETNS === '1';
if (!IN_NETNS)
  console.warn(
    'direct/card-offer-werift: SKIPPED — not inside the test network namespace (use scripts/test.mjs)',
  );

describe.skipIf(!IN_NETNS)('werift accepts the offer built from a card', () => {
  it('setRemoteDescription(cardToOffer(card)), negotiated auth channel, createAnswer, setLocalDescription', async () => {
    const card = openCard(
      createCard(createIdentity(), {
        name: 'Front door',
        deviceTypes: ['doorbell'],
        fingerprint: Uint8Array.from({ length: 32 }, (_, i) => i),
        ice: { ufrag: 'wOk3Qf9+', pwd: 'Zb1/8Xq4Lm2Tn7Rc0Ve5Hy6J' },
        // TEST-NET-1 (RFC 5737) and the documentation IPv6 prefix: never routed anywhere.
        candidates: [
          { address: '192.0.2.10', port: 50000 },
          { address: '2001:db8::10', port: 50000 },
        ],
      }),
    );
    const offer = cardToOffer(card);
    const pc = new RTCPeerConnection({ iceServers: [] });
    try {
      await pc.setRemoteDescription(new RTCSessionDescription(offer.sdp, offer.type));
      noStun(pc);
      expect(pc.signalingState).toBe('have-remote-offer');
      expect(pc.remoteDescription?.sdp).toContain(`a=ice-ufrag:${card.ice.ufrag}`);
      expect(pc.remoteDescription?.sdp).toContain(`a=ice-pwd:${card.ice.pwd}`);
      const channel = pc.createDataChannel(DIRECT_AUTH_LABEL, {
        negotiated: true,
        id: DIRECT_AUTH_CHANNEL_ID,
        ordered: true,
      });
      expect(channel.id).toBe(DIRECT_AUTH_CHANNEL_ID);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      expect(pc.signalingState).toBe('stable');
      const local = parseSdpSummary({ type: 'answer', sdp: pc.localDescription?.sdp as string });
      // The connecting side is DTLS client against the ICE-lite device, and kept its own credentials.
      expect(local.setup).toBe('active');
      expect(local.iceUfrag).not.toBe(card.ice.ufrag);
      expect(local.mid).toBe('0');
      // werift adds its gathered candidates to the local description; nothing else differs.
      const withoutCandidates = (sdp: string) =>
        sdp.split('\r\n').filter((l) => !/^a=(candidate|end-of-candidates)/.test(l));
      expect(withoutCandidates(pc.localDescription?.sdp as string)).toEqual(withoutCandidates(answer.sdp));
    } finally {
      await pc.close();
    }
  });
});
