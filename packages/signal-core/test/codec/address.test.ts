import { describe, expect, it } from 'vitest';
import { canonicalAddress } from '../../src/codec/address.js';
import { formatIPv6, parseIPv6 } from '../../src/encoding/ip.js';
import { UnsupportedSdpError } from '../../src/index.js';

describe('candidate addresses', () => {
  it.each([
    // RFC 5952 §4.1–4.3 (leading zeros, longest run, lowercase, single 0 word not compressed).
    ['2001:0db8::0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:DB8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
  ])('prints %s as %s', (text, canonical) => {
    expect(formatIPv6(parseIPv6(text) as Uint8Array)).toBe(canonical);
    expect(canonicalAddress(text)).toBe(canonical);
  });

  it.each(['1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', ':::', '1:2:3:4:5:6:7', '::1.2.3', '1:2:3:4:5:6:7::8'])(
    'does not parse %s as IPv6',
    (text) => {
      expect(parseIPv6(text)).toBeUndefined();
    },
  );

  it.each(['fe80::1%eth0', '010.0.0.1', '1.2.3', 'a_b.local', '-x.local', ''])('refuses %s', (text) => {
    expect(() => canonicalAddress(text)).toThrow(UnsupportedSdpError);
  });

  it('keeps IPv4, mDNS UUID names and host names as they are', () => {
    expect(canonicalAddress('10.98.0.3')).toBe('10.98.0.3');
    expect(canonicalAddress('6421d561-1545-40b9-bad4-1f5cf536bcf0.local')).toBe(
      '6421d561-1545-40b9-bad4-1f5cf536bcf0.local',
    );
    expect(canonicalAddress('Printer.local')).toBe('Printer.local');
  });
});
