/** `offerForWerift`: `a=end-of-candidates` stays only when every candidate is an IP address. */
import { describe, expect, it } from 'vitest';
import { offerForWerift } from '../../src/qr/remote-offer.js';

const sdp = (...candidates: string[]) =>
  [
    'v=0',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    ...candidates.map((host, i) => `a=candidate:${i} 1 udp 2113937151 ${host} 5000 typ host`),
    'a=end-of-candidates',
    'a=mid:0',
    '',
  ].join('\r\n');

describe('offerForWerift', () => {
  it('keeps an offer whose candidates are all IP addresses as it is', () => {
    const offer = { type: 'offer' as const, sdp: sdp('192.0.2.1', '2001:db8::1') };
    expect(offerForWerift(offer)).toBe(offer);
  });

  it.each([
    ['an mDNS name', ['3f1c0f3e-2b8a-4c55-9d0e-7a6b5c4d3e2f.local']],
    ['an mDNS name next to an IP address', ['192.0.2.1', 'a.local']],
    ['no candidate at all', []],
  ])('drops only a=end-of-candidates for %s', (_, hosts) => {
    const out = offerForWerift({ type: 'offer', sdp: sdp(...hosts) });
    expect(out.type).toBe('offer');
    expect(out.sdp).not.toContain('end-of-candidates');
    expect(out.sdp).toBe(sdp(...hosts).replace('a=end-of-candidates\r\n', ''));
  });
});
