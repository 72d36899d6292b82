import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sdpFixtures } from '../../../../test/kit/sdp-fixtures.js';
import type { CandidateSummary } from '../../src/codec/candidate.js';
import { formatIPv6, parseIPv6 } from '../../src/encoding/ip.js';
import {
  decodeSdp,
  decodeSdpSummary,
  encodeSdp,
  encodeSdpSummary,
  formatSdp,
  fromHex,
  fromQrText,
  parseSdpSummary,
  type SdpSummary,
  toHex,
  toQrText,
} from '../../src/exports/codec.js';
import { MalformedInputError, UnsupportedSdpError, UnsupportedVersionError } from '../../src/index.js';
import vectors from '../vectors/codec-sdp.json' with { type: 'json' };

const fixtures = sdpFixtures();
const fixture = (name: string) => fixtures.find((f) => f.name === name) as { type: string; sdp: string };

/** The kept fields; foundations are regenerated, so they are left out of the comparison. */
function kept(s: SdpSummary) {
  return { ...s, candidates: s.candidates.map(({ foundation: _f, ...c }) => c) };
}

describe('regenerated o= line', () => {
  it('is the first 7 fingerprint bytes as an integer mod 2^53, exact for every byte value', () => {
    const base = parseSdpSummary(fixture('chromium-ipv4-offer'));
    const oLine = (fp: Uint8Array) =>
      /^o=- (\d+) /m.exec(formatSdp({ ...base, fingerprint: fp }).sdp ?? '')?.[1];
    // 2^56 − 1 mod 2^53 = 2^53 − 1; floating point arithmetic rounded this one.
    expect(oLine(new Uint8Array(32).fill(0xff))).toBe('9007199254740991');
    const fp = new Uint8Array(32);
    fp.set([0x21, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]);
    expect(oLine(fp)).toBe(String(0x21020304050607n % 2n ** 53n));
  });
});

describe('compact SDP codec on captured fixtures', () => {
  it('has the Chromium, werift, offer and answer fixtures', () => {
    expect(fixtures.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'chromium-ipv4-offer',
        'chromium-mdns-answer',
        'chromium-ipv6-offer',
        'werift-offer',
        'werift-answer',
      ]),
    );
  });

  it.each(fixtures.map((f) => [f.name, f] as const))(
    '%s round-trips to an equivalent SDP and identical bytes',
    (_n, f) => {
      const original = parseSdpSummary(f);
      const bytes = encodeSdp(f);
      const back = decodeSdp(bytes);
      expect(back.type).toBe(f.type);
      expect(kept(parseSdpSummary(back))).toEqual(kept(original));
      expect(encodeSdp(back)).toEqual(bytes);
      // Real credentials and fingerprint survive unchanged (no munging).
      expect(back.sdp).toContain(`a=ice-ufrag:${original.iceUfrag}\r\n`);
      expect(back.sdp).toContain(`a=ice-pwd:${original.icePwd}\r\n`);
      expect(fromQrText(toQrText(bytes))).toEqual(bytes);
    },
  );

  it('keeps every candidate line of a fixture (none silently dropped)', () => {
    for (const f of fixtures) {
      const n = f.sdp.split('\n').filter((l) => l.startsWith('a=candidate:')).length;
      expect(
        decodeSdp(encodeSdp(f))
          .sdp.split('\n')
          .filter((l) => l.startsWith('a=candidate:')),
      ).toHaveLength(n);
    }
  });

  it.each(vectors.sdp)('matches the golden bytes of $fixture', ({ type, sdp, bytes }) => {
    expect(toHex(encodeSdp({ type, sdp }))).toBe(bytes);
    expect(kept(decodeSdpSummary(fromHex(bytes) as Uint8Array))).toEqual(
      kept(parseSdpSummary({ type, sdp })),
    );
  });

  it('fits a Chromium DataChannel offer with 2 IPv4 host (+2 TCP active) candidates in ≤ 100 bytes', () => {
    const bytes = encodeSdp(fixture('chromium-ipv4-offer'));
    expect(bytes.length).toBe(93);
    expect(toQrText(bytes).length).toBe(4 + 140);
  });
});

const ICE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const iceString = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...ICE), minLength: min, maxLength: max });
const address = fc.oneof(
  fc.ipV4(),
  fc.ipV6().map((a) => formatIPv6(parseIPv6(a) as Uint8Array)),
  fc.uuid().map((u) => `${u}.local`),
  fc.constantFrom('printer.local', 'host-1.lan', 'a.example'),
);
const typeArb = fc.constantFrom('host', 'srflx', 'prflx', 'relay' as const);
function candidateArb(ufrag: string): fc.Arbitrary<CandidateSummary> {
  return fc
    .record({
      type: typeArb,
      transport: fc.constantFrom('udp', 'tcp' as const),
      tcpType: fc.constantFrom('active', 'passive', 'so' as const),
      address,
      port: fc.integer({ min: 0, max: 65535 }),
      component: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 256 })),
      localPref: fc.integer({ min: 0, max: 0xffff }),
      rawPriority: fc.option(fc.integer({ min: 1, max: 0xffffffff })),
      generation: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffffffff })),
      networkCost: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
      withUfrag: fc.boolean(),
      related: fc.option(fc.tuple(address, fc.integer({ min: 0, max: 65535 })), { nil: undefined }),
    })
    .map((r) => {
      const tp =
        r.transport === 'tcp' && r.type === 'host'
          ? 90
          : { host: 126, srflx: 100, prflx: 110, relay: 0 }[r.type];
      const c: CandidateSummary = {
        foundation: '',
        component: r.component,
        transport: r.transport,
        priority: r.rawPriority ?? tp * 2 ** 24 + r.localPref * 256 + (256 - r.component),
        address: r.address,
        port: r.port,
        type: r.type,
        generation: r.generation,
      };
      if (r.transport === 'tcp') c.tcpType = r.tcpType;
      if (r.networkCost !== undefined) c.networkCost = r.networkCost;
      if (r.withUfrag) c.ufrag = ufrag;
      if (r.related) [c.relatedAddress, c.relatedPort] = r.related;
      return c;
    });
}
const summaryArb: fc.Arbitrary<SdpSummary> = iceString(4, 40).chain((ufrag) =>
  fc.record({
    type: fc.constantFrom('offer', 'answer' as const),
    iceUfrag: fc.constant(ufrag),
    icePwd: iceString(22, 64),
    fingerprint: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    setup: fc.constantFrom('actpass', 'active', 'passive' as const),
    iceLite: fc.boolean(),
    iceOptions: fc.constantFrom<string[]>([], ['trickle'], ['trickle', 'renomination'], ['ice2']),
    mid: fc.oneof(fc.constant('0'), fc.constantFrom('data', '1', 'a-b')),
    bundle: fc.boolean(),
    sctpPort: fc.oneof(fc.constant(5000), fc.constant(undefined), fc.integer({ min: 0, max: 65535 })),
    maxMessageSize: fc.oneof(
      fc.constant(262144),
      fc.constant(undefined),
      fc.integer({ min: 0, max: 2 ** 40 }),
    ),
    candidates: fc.array(candidateArb(ufrag), { maxLength: 6 }),
    endOfCandidates: fc.boolean(),
  }),
);

describe('compact SDP codec properties', () => {
  it('round-trips generated descriptions through bytes and through SDP text (seeded)', () => {
    fc.assert(
      fc.property(summaryArb, (s) => {
        const bytes = encodeSdpSummary(s);
        const decoded = decodeSdpSummary(bytes);
        expect(kept(decoded)).toEqual(kept(s));
        const text = formatSdp(decoded);
        expect(kept(parseSdpSummary(text))).toEqual(kept(s));
        expect(encodeSdp(text)).toEqual(bytes);
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it('never throws anything but MalformedInputError/UnsupportedVersionError on random bytes (seeded)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const b = bytes.length >= 2 ? Uint8Array.from([1, 0, ...bytes.subarray(2)]) : bytes;
        let error: unknown;
        try {
          const s = decodeSdpSummary(b);
          expect(encodeSdpSummary(s)).toEqual(b); // whatever decodes is canonical
        } catch (e) {
          error = e;
        }
        if (error !== undefined)
          expect(error).toSatisfy(
            (e) => e instanceof MalformedInputError || e instanceof UnsupportedVersionError,
          );
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});

// A minimal valid encoding to mutate: offer, actpass, ufrag "abcd", pwd 22×"A", zero fingerprint, no candidates.
const base: SdpSummary = {
  type: 'offer',
  iceUfrag: 'abcd',
  icePwd: 'A'.repeat(22),
  fingerprint: new Uint8Array(32),
  setup: 'actpass',
  iceLite: false,
  iceOptions: [],
  mid: '0',
  bundle: true,
  sctpPort: 5000,
  maxMessageSize: 262144,
  candidates: [],
  endOfCandidates: false,
};
const baseBytes = encodeSdpSummary(base);
const prefix = baseBytes.subarray(0, baseBytes.length - 1); // without the candidate count
const withFlags = (flags: number, ...tail: number[]) =>
  Uint8Array.from([1, 0, flags, ...baseBytes.subarray(3, baseBytes.length - 1), ...tail]);
const golden = fromHex(vectors.sdp[0]?.bytes as string) as Uint8Array;

describe('decodeSdp rejects hostile bytes', () => {
  it.each([
    ['empty input', new Uint8Array(0), MalformedInputError],
    ['version 2', Uint8Array.of(2, 0, 0), UnsupportedVersionError],
    ['version 0', Uint8Array.of(0), UnsupportedVersionError],
    ['an unknown profile (audio/video not in v1)', Uint8Array.of(1, 1, 0), UnsupportedVersionError],
    ['the reserved flag bit', withFlags(0x80, 0), MalformedInputError],
    ['setup role 3', withFlags(0x06, 0), MalformedInputError],
    ['a trailing byte', Uint8Array.from([...baseBytes, 0]), MalformedInputError],
    ['a 3-character ufrag', Uint8Array.of(1, 0, 0, 3, 0, 0, 0), MalformedInputError],
    ['a huge ufrag length', Uint8Array.of(1, 0, 0, 0xff, 0x7f), MalformedInputError],
    [
      'non-zero ufrag padding bits',
      Uint8Array.from([1, 0, 0, 5, 0xff, 0xff, 0xff, 0xff]),
      MalformedInputError,
    ],
    ['33 candidates', Uint8Array.from([...prefix, 33]), MalformedInputError],
    ['a candidate head with the reserved bit', Uint8Array.from([...prefix, 1, 0x80]), MalformedInputError],
    ['a candidate ext byte of zero', Uint8Array.from([...prefix, 1, 0x40, 0]), MalformedInputError],
    ['a truncated IPv4 candidate', Uint8Array.from([...prefix, 1, 0x00, 10, 0, 0]), MalformedInputError],
    [
      'a raw priority that the formula form would carry',
      Uint8Array.from([...prefix, 1, 0x10, 10, 0, 0, 1, 0, 80, 0x7e, 0, 0, 0xff]),
      MalformedInputError,
    ],
    [
      'a zero raw priority',
      Uint8Array.from([...prefix, 1, 0x10, 10, 0, 0, 1, 0, 80, 0, 0, 0, 0]),
      MalformedInputError,
    ],
    [
      'a hostname that is an IPv4 address',
      Uint8Array.from([
        ...prefix,
        1,
        0x0c,
        7,
        ...'1.2.3.4'.split('').map((c) => c.charCodeAt(0)),
        0,
        80,
        0,
        0,
      ]),
      MalformedInputError,
    ],
    [
      'a host name with a space',
      Uint8Array.from([...prefix, 1, 0x0c, 3, 0x61, 0x20, 0x62, 0, 80, 0, 0]),
      MalformedInputError,
    ],
    [
      'invalid UTF-8 in a host name',
      Uint8Array.from([...prefix, 1, 0x0c, 2, 0xc3, 0x28, 0, 80, 0, 0]),
      MalformedInputError,
    ],
    [
      'an explicit port 9 on a TCP active candidate',
      Uint8Array.from([...prefix, 1, 0x40, 0x41, 10, 0, 0, 1, 0, 9, 0, 0]),
      MalformedInputError,
    ],
    [
      'a component of 1 spelled out',
      Uint8Array.from([...prefix, 1, 0x40, 0x04, 10, 0, 0, 1, 0, 80, 0, 0, 1]),
      MalformedInputError,
    ],
    [
      'a related-address form of 4',
      Uint8Array.from([...prefix, 1, 0x01, 10, 0, 0, 1, 0, 80, 0, 0, 4]),
      MalformedInputError,
    ],
    ['the extras flag with zero extras', withFlags(0x40, 0, 0), MalformedInputError],
    ['an extra carrying the default sctp-port', withFlags(0x40, 0, 1, 1, 0x88, 0x27), MalformedInputError],
    ['extras out of order', withFlags(0x40, 0, 2, 2, 1, 1, 1), MalformedInputError],
    ['an unknown extra tag', withFlags(0x40, 0, 1, 9, 0), MalformedInputError],
    ['an extra mid of "0"', withFlags(0x40, 0, 1, 3, 1, 0x30), MalformedInputError],
    ['an extra mid with a space', withFlags(0x40, 0, 1, 3, 3, 0x61, 0x20, 0x62), MalformedInputError],
    [
      'ice-options "trickle" as an extra',
      withFlags(0x40, 0, 1, 4, 7, ...[...'trickle'].map((c) => c.charCodeAt(0))),
      MalformedInputError,
    ],
    ['an empty omissions extra', withFlags(0x40, 0, 1, 5, 0), MalformedInputError],
    ['sctp-port both given and omitted', withFlags(0x40, 0, 2, 1, 1, 5, 1), MalformedInputError],
    ['a non-minimal varint count', Uint8Array.from([...prefix, 0x80, 0x00]), MalformedInputError],
  ])('rejects %s', (_what, bytes, error) => {
    expect(() => decodeSdp(bytes)).toThrow(error);
  });

  it('rejects every truncation of a golden encoding with MalformedInputError', () => {
    for (let n = 1; n < golden.length; n++)
      expect(() => decodeSdp(golden.subarray(0, n))).toThrow(MalformedInputError);
  });
});

// The golden copy of a Chromium offer (stable across re-captures of the fixtures).
const chromeOffer = (vectors.sdp[0] as { sdp: string }).sdp;
const edit = (from: string | RegExp, to: string) => ({ type: 'offer', sdp: chromeOffer.replace(from, to) });

describe('encodeSdp refuses what it cannot keep (UnsupportedSdpError)', () => {
  it.each([
    ['a pranswer', { type: 'pranswer', sdp: chromeOffer }],
    ['a description without SDP', { type: 'offer' }],
    [
      'an audio section',
      edit('m=application 54129 UDP/DTLS/SCTP webrtc-datachannel', 'm=audio 9 UDP/TLS/RTP/SAVPF 111'),
    ],
    [
      'a second media section',
      edit(
        'a=max-message-size:262144',
        'a=max-message-size:262144\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:1',
      ),
    ],
    ['the legacy DTLS/SCTP 5000 format', edit('UDP/DTLS/SCTP webrtc-datachannel', 'DTLS/SCTP 5000')],
    ['a rejected section (port 0)', edit('m=application 54129', 'm=application 0')],
    [
      'only a sha-1 fingerprint',
      edit(
        /a=fingerprint:sha-256 [^\r]*/,
        'a=fingerprint:sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33',
      ),
    ],
    [
      'two different sha-256 fingerprints',
      edit('a=setup:actpass', `a=fingerprint:sha-256 ${Array(32).fill('00').join(':')}\r\na=setup:actpass`),
    ],
    ['a missing ice-ufrag', edit(/a=ice-ufrag:[^\r]*\r\n/, '')],
    ['a too short ice-pwd', edit(/a=ice-pwd:[^\r]*/, 'a=ice-pwd:short')],
    ['setup holdconn', edit('a=setup:actpass', 'a=setup:holdconn')],
    ['an unknown media attribute', edit('a=mid:0', 'a=mid:0\r\na=x-custom:1')],
    ['a bandwidth line', edit('c=IN IP4 10.98.0.3', 'c=IN IP4 10.98.0.3\r\nb=AS:30')],
    ['a BUNDLE group naming another mid', edit('a=group:BUNDLE 0', 'a=group:BUNDLE 0 1')],
    ['a candidate over an unknown transport', edit(' udp 2122260223', ' sctp 2122260223')],
    [
      'a candidate with an unknown extension',
      edit('generation 0 network-id 1\r', 'generation 0 network-id 1 foo 1\r'),
    ],
    [
      'a candidate ufrag that differs',
      edit('generation 0 network-id 1\r', 'generation 0 ufrag zzzz network-id 1\r'),
    ],
    ['an IPv6 address with a zone id', edit('10.98.0.3 54129', 'fe80::1%eth0 54129')],
    [
      'a TCP candidate without tcptype',
      edit(' typ host tcptype active generation 0 network-id 1\r', ' typ host generation 0 network-id 1\r'),
    ],
    ['raddr without rport', edit('54129 typ host generation', '54129 typ host raddr 1.2.3.4 generation')],
  ] as const)('rejects %s', (_what, desc) => {
    expect(() => encodeSdp(desc as { type: string; sdp?: string })).toThrow(UnsupportedSdpError);
  });

  it('keeps a sha-256 fingerprint listed next to a sha-1 one', () => {
    const desc = edit(
      'a=setup:actpass',
      'a=fingerprint:sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33\r\na=setup:actpass',
    );
    expect(parseSdpSummary(desc).fingerprint).toEqual(
      parseSdpSummary({ type: 'offer', sdp: chromeOffer }).fingerprint,
    );
  });
});
