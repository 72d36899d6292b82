import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { compareRecordSets, isWellFormed, normalizeQuestion, type Rr } from '../src/wire.js';

describe('wire helpers', () => {
  it('recovers the QU bit that dns-packet 5.6.1 leaves in the class (RFC 6762 §5.4)', () => {
    const bytes = dnsPacket.encode({ type: 'query', questions: [{ name: 'x.local', type: 'A' }] });
    bytes.writeUInt16BE(0x8001, bytes.length - 2);
    const q = dnsPacket.decode(bytes).questions?.[0];
    expect(q?.class).toBe('UNKNOWN_32769'); // the library bug this works around
    expect(q && normalizeQuestion(q)).toEqual({ name: 'x.local', type: 'A', qu: true });
    expect(normalizeQuestion({ name: 'x.local', type: 'A', class: 'IN' })).toEqual({
      name: 'x.local',
      type: 'A',
      qu: false,
    });
    expect(normalizeQuestion({ name: 'x.local', type: 'A', class: 'CH' })).toBeUndefined();
  });

  it('orders record sets for the probe tiebreak (RFC 6762 §8.2)', () => {
    const a = (ip: string): Rr => ({ name: 'h.local', type: 'A', ttl: 120, data: ip });
    expect(compareRecordSets([a('10.0.0.1')], [a('10.0.0.2')])).toBeLessThan(0);
    expect(compareRecordSets([a('10.0.0.2')], [a('10.0.0.1')])).toBeGreaterThan(0);
    expect(compareRecordSets([a('10.0.0.1')], [a('10.0.0.1')])).toBe(0);
    // RFC 6762 §8.2.1 example: more records wins when the common prefix is equal.
    expect(compareRecordSets([a('10.0.0.1')], [a('10.0.0.1'), a('10.0.0.2')])).toBeLessThan(0);
  });

  it('spots records dns-packet decoded from truncated data', () => {
    expect(isWellFormed({ name: 'h.local', type: 'A', data: '10.undefined.undefined.undefined' })).toBe(
      false,
    );
    expect(isWellFormed({ name: 'h.local', type: 'A', data: '10.0.0.1' })).toBe(true);
    expect(isWellFormed({ name: 'h.local', type: 'AAAA', data: 'fe80::1' })).toBe(true);
    expect(isWellFormed({ name: 's', type: 'SRV', data: { target: 'h.local', port: 0 } })).toBe(false);
  });
});
