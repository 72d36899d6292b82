import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instanceLabel, nextHostName, nextInstanceName, subtypeName, toLabel } from '../src/names.js';

describe('names', () => {
  it('renames after a conflict as "Name (2)", "Name (3)" (RFC 6762 §9)', () => {
    expect(nextInstanceName('Kitchen')).toBe('Kitchen (2)');
    expect(nextInstanceName('Kitchen (2)')).toBe('Kitchen (3)');
    expect(nextInstanceName('Kitchen (9)')).toBe('Kitchen (10)');
    expect(nextHostName('lanrtc-box')).toBe('lanrtc-box-2');
    expect(nextHostName('lanrtc-box-2')).toBe('lanrtc-box-3');
  });

  it('builds subtype names (RFC 6763 §7.1) and reads instance labels back', () => {
    expect(subtypeName('doorbell')).toBe('_doorbell._sub._lanrtc._udp.local');
    expect(instanceLabel('Hall (2)._lanrtc._udp.local')).toBe('Hall (2)');
    expect(instanceLabel('a.b._lanrtc._udp.local')).toBeUndefined();
    expect(instanceLabel('Hall._other._udp.local')).toBeUndefined();
  });

  it('labels and renamed labels never exceed 63 UTF-8 bytes or contain dots', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100, unit: 'grapheme' }), (text) => {
        const label = toLabel(text);
        const renamed = nextInstanceName(label);
        for (const l of [label, renamed]) {
          expect(Buffer.byteLength(l)).toBeLessThanOrEqual(63);
          expect(l.includes('.')).toBe(false);
          expect(l.length).toBeGreaterThan(0);
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
