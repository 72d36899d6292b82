/** How sizes, rates and times read on the page and in the terminal. */
import { describe, expect, it } from 'vitest';
import { formatBytes, formatEta, formatRate, percent } from '../src/shared/format.js';

describe('format', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [180_000, '180 kB'],
    [3_158_073, '3.2 MB'],
    [44_200_000, '44.2 MB'],
    [1_073_741_824, '1.1 GB'],
  ])('formatBytes(%d) = %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it('reads rates and times left', () => {
    expect(formatRate(2_200_000)).toBe('2.2 MB/s');
    expect(formatEta(undefined)).toBe('—');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('—');
    expect(formatEta(14_200)).toBe('15 s');
    expect(formatEta(200_000)).toBe('3 min 20 s');
    expect(formatEta(3_900_000)).toBe('1 h 5 min');
  });

  it('gives whole percentages, 100 for nothing to move', () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(3, 3)).toBe(100);
    expect(percent(0, 0)).toBe(100);
    expect(percent(5, 3)).toBe(100);
  });
});
