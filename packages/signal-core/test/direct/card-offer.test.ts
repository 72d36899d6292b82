import { describe, expect, it } from 'vitest';
import { createCard } from '../../src/card/create.js';
import { openCard } from '../../src/card/open.js';
import { parseSdpSummary } from '../../src/codec/sdp.js';
import { cardToOffer } from '../../src/direct/card-offer.js';
import { identityFromSecretKey } from '../../src/identity/identity.js';

const identity = identityFromSecretKey(new Uint8Array(32).fill(1));
const fingerprint = Uint8Array.from({ length: 32 }, (_, i) => i);
const card = openCard(
  createCard(identity, {
    name: 'Front door',
    deviceTypes: ['doorbell'],
    fingerprint,
    ice: { ufrag: 'wOk3Qf9+', pwd: 'Zb1/8Xq4Lm2Tn7Rc0Ve5Hy6J' },
    candidates: [
      { address: '192.168.1.20', port: 50000 },
      { address: 'fe80::1', port: 50000 },
      { address: 'door-7.local', port: 50001 },
    ],
    issuedAt: 1_767_225_600,
    expiresAt: 1_767_312_000,
  }),
  { now: 1_767_225_600_000 },
);

describe('cardToOffer', () => {
  it('builds an ICE-lite DataChannel offer with the card credentials, fingerprint and candidates', () => {
    const offer = cardToOffer(card);
    expect(offer.type).toBe('offer');
    const lines = offer.sdp.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, 4)).toEqual([
      'v=0',
      expect.stringMatching(/^o=- \d+ 2 IN IP4 127\.0\.0\.1$/),
      's=-',
      't=0 0',
    ]);
    expect(lines.slice(4)).toEqual([
      'a=group:BUNDLE 0',
      'a=ice-lite',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'c=IN IP4 0.0.0.0',
      'a=candidate:1 1 udp 2130706431 192.168.1.20 50000 typ host',
      'a=candidate:2 1 udp 2130706175 fe80::1 50000 typ host',
      'a=candidate:3 1 udp 2130705919 door-7.local 50001 typ host',
      'a=end-of-candidates',
      'a=ice-ufrag:wOk3Qf9+',
      'a=ice-pwd:Zb1/8Xq4Lm2Tn7Rc0Ve5Hy6J',
      `a=fingerprint:sha-256 ${Array.from(fingerprint, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':')}`,
      'a=setup:actpass',
      'a=mid:0',
      'a=sctp-port:5000',
      'a=max-message-size:262144',
      '',
    ]);
  });

  it('is what the compact codec reads back: same credentials, fingerprint, priorities descending', () => {
    const s = parseSdpSummary(cardToOffer(card));
    expect(s.iceLite).toBe(true);
    expect(s.iceUfrag).toBe(card.ice.ufrag);
    expect(s.icePwd).toBe(card.ice.pwd);
    expect(s.fingerprint).toEqual(card.fingerprint);
    expect(s.candidates.map((c) => c.priority)).toEqual(
      [...s.candidates.map((c) => c.priority)].sort((a, b) => b - a),
    );
    expect(new Set(s.candidates.map((c) => c.foundation)).size).toBe(3);
  });

  it('is deterministic for one card', () => {
    expect(cardToOffer(card)).toEqual(cardToOffer(card));
  });
});
