import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCandidate } from '../../src/codec/candidate.js';
import { formatIPv6, parseIPv6 } from '../../src/encoding/ip.js';
import {
  decodeCandidate,
  encodeCandidate,
  fromHex,
  type IceCandidateInit,
  toHex,
} from '../../src/exports/codec.js';
import { MalformedInputError, UnsupportedSdpError, UnsupportedVersionError } from '../../src/index.js';
import vectors from '../vectors/codec-sdp.json' with { type: 'json' };

/** Candidate fields that must survive (the foundation is regenerated; network-id is dropped). */
function kept(init: IceCandidateInit) {
  const { foundation: _f, ...c } = parseCandidate(init.candidate as string);
  return { ...init, candidate: c };
}

const trickled: IceCandidateInit[] = [
  {
    candidate:
      'candidate:852246324 1 udp 2113937151 6421d561-1545-40b9-bad4-1f5cf536bcf0.local 58827 typ host generation 0 ufrag Lk4d network-id 1 network-cost 999',
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: 'Lk4d',
  },
  {
    candidate:
      'candidate:4051764543 1 tcp 1518280447 10.98.0.3 9 typ host tcptype active generation 0 ufrag GD2X network-id 1',
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: 'GD2X',
  },
  {
    candidate:
      'candidate:842163049 1 udp 1677729535 203.0.113.7 61224 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Lk4d network-cost 10',
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: 'Lk4d',
  },
  {
    candidate: 'candidate:1 1 UDP 2122252543 2001:DB8:0:0:0:0:0:1 50000 typ host',
    sdpMid: 'data',
    sdpMLineIndex: 3,
  },
  {
    candidate:
      'candidate:3 1 tcp 8331263 198.51.100.9 443 typ relay raddr 203.0.113.7 rport 55000 tcptype passive',
    sdpMid: '0',
  },
  { candidate: '', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'Lk4d' },
];

describe('standalone candidate codec', () => {
  it.each(trickled.map((c) => [c.candidate?.slice(0, 40) || '(end-of-candidates)', c] as const))(
    'round-trips %s',
    (_n, init) => {
      const bytes = encodeCandidate(init);
      const back = decodeCandidate(bytes);
      if (init.candidate === '') expect(back).toEqual(init);
      else expect(kept(back)).toEqual(kept(init));
      expect(encodeCandidate(back)).toEqual(bytes);
    },
  );

  it('prints IPv6 in RFC 5952 form and drops only network-id', () => {
    const ipv6 = trickled[3] as IceCandidateInit;
    expect(decodeCandidate(encodeCandidate(ipv6)).candidate).toContain(' 2001:db8::1 50000 typ host');
    const mdns = decodeCandidate(encodeCandidate(trickled[0] as IceCandidateInit)).candidate;
    expect(mdns).toContain('ufrag Lk4d network-cost 999');
    expect(mdns).not.toContain('network-id');
  });

  it.each(vectors.candidate)('matches golden bytes', ({ init, bytes }) => {
    expect(toHex(encodeCandidate(init))).toBe(bytes);
    expect(kept(decodeCandidate(fromHex(bytes) as Uint8Array))).toEqual(kept(init));
  });

  it('round-trips generated IPv4/IPv6 candidates (seeded)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.ipV4(), fc.ipV6()),
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 1, max: 0xffffffff }),
        fc.constantFrom('host', 'srflx', 'prflx', 'relay'),
        (addr, port, prio, type) => {
          const rel = type === 'host' ? '' : ' raddr 0.0.0.0 rport 0';
          const init = {
            candidate: `candidate:x 1 udp ${prio} ${addr} ${port} typ ${type}${rel}`,
            sdpMid: '0',
            sdpMLineIndex: 0,
          };
          const back = decodeCandidate(encodeCandidate(init));
          const c = parseCandidate(back.candidate as string);
          expect([c.priority, c.port, c.type]).toEqual([prio, port, type]);
          const v6 = parseIPv6(addr);
          expect(c.address).toBe(v6 ? formatIPv6(v6) : addr);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('candidate codec hostile inputs', () => {
  it.each([
    ['empty bytes', new Uint8Array(0), MalformedInputError],
    ['version 2', Uint8Array.of(2, 1), UnsupportedVersionError],
    ['reserved flag bits', Uint8Array.of(1, 0x41), MalformedInputError],
    ['sdpMid code 3', Uint8Array.of(1, 0x07), MalformedInputError],
    ['sdpMLineIndex code 3', Uint8Array.of(1, 0x19), MalformedInputError],
    ['an explicit sdpMid "0"', Uint8Array.of(1, 0x05, 1, 0x30), MalformedInputError],
    ['an explicit sdpMLineIndex 0', Uint8Array.of(1, 0x11, 0), MalformedInputError],
    ['an sdpMLineIndex above 255', Uint8Array.of(1, 0x11, 0x80, 0x02), MalformedInputError],
    ['a truncated body', Uint8Array.of(1, 0x00, 0x00, 10, 0), MalformedInputError],
    [
      'a ufrag flag on the candidate with no usernameFragment',
      Uint8Array.of(1, 0x00, 0x40, 0x10, 10, 0, 0, 1, 0, 80, 0, 0),
      MalformedInputError,
    ],
    ['trailing bytes after end-of-candidates', Uint8Array.of(1, 0x01, 0), MalformedInputError],
  ])('decode rejects %s', (_what, bytes, error) => {
    expect(() => decodeCandidate(bytes)).toThrow(error);
  });

  it.each([
    ['garbage', { candidate: 'hello' }],
    ['a non-numeric port', { candidate: 'candidate:1 1 udp 1 10.0.0.1 port typ host' }],
    ['a port above 65535', { candidate: 'candidate:1 1 udp 1 10.0.0.1 65536 typ host' }],
    ['an unknown type', { candidate: 'candidate:1 1 udp 1 10.0.0.1 1 typ weird' }],
    ['component 0', { candidate: 'candidate:1 0 udp 1 10.0.0.1 1 typ host' }],
    [
      'a ufrag that differs from usernameFragment',
      { candidate: 'candidate:1 1 udp 1 10.0.0.1 1 typ host ufrag abcd', usernameFragment: 'wxyz' },
    ],
    ['a bad usernameFragment', { candidate: '', usernameFragment: 'a b' }],
    ['an sdpMLineIndex of 256', { candidate: '', sdpMLineIndex: 256 }],
    ['an address with a leading-zero octet', { candidate: 'candidate:1 1 udp 1 010.0.0.1 1 typ host' }],
  ])('encode rejects %s with UnsupportedSdpError', (_what, init) => {
    expect(() => encodeCandidate(init)).toThrow(UnsupportedSdpError);
  });
});
