import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { compareRecordSets, isWellFormed, normalizeQuestion, type Rr } from '../src/wire.js';

describe('wire helpers', () => {
  it('keeps the QU bit of IN/ANY questions and drops other classes (RFC 6762 §5.4)', () => {
    const bytes = dnsPacket.encode({ type: 'query', questions: [{ name: 'x.local', type: 'A', qu: true }] });
    const q = dnsPacket.decode(bytes).questions?.[0];
    expect(q && normalizeQuestion(q)).toEqual({ name: 'x.local', type: 'A', qu: true });
    expect(normalizeQuestion({ name: 'x.local', type: 'A', class: 'IN' })).toEqual({
      name: 'x.local',
      type: 'A',
      qu: false,
    });
    expect(normalizeQuestion({ name: 'x.local', type: 'A', class: 'ANY', qu: true })?.qu).toBe(true);
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

  it('rejects records whose data is unusable', () => {
    expect(isWellFormed({ name: 's', type: 'SRV', data: { target: 'h.local', port: 0 } })).toBe(false);
    expect(isWellFormed({ name: 's', type: 'SRV', data: { target: 'h.local', port: 1 } })).toBe(true);
    expect(isWellFormed({ name: 'p', type: 'PTR', data: '' })).toBe(false);
    expect(isWellFormed({ name: 'h.local', type: 'A', data: '10.0.0.1' })).toBe(true);
  });
});
