import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedInputError, WeakPinError } from '../../src/errors.js';
import {
  assertUsablePin,
  decodePairingSecret,
  encodePairingSecret,
  generatePairingSecret,
  generatePin,
  isTrivialPin,
} from '../../src/pairing/pin.js';
import { seededRandom } from './helpers.js';

describe('PINs', () => {
  const trivial = [
    '0000',
    '1111',
    '999999',
    '123456',
    '012345',
    '890123', // ascending with wrap-around
    '654321',
    '210987', // descending with wrap-around
    '1234',
    '9876',
    '121212',
    '1212',
    '12121', // period 2, odd length
    '123123',
    '456456456456',
    '123456789012',
  ];
  it.each(trivial)('refuses the trivial PIN %s with WeakPinError', (pin) => {
    expect(isTrivialPin(pin)).toBe(true);
    expect(() => assertUsablePin(pin)).toThrow(WeakPinError);
  });

  it.each(['482915', '1357', '112233', '123457', '9021', '100000', '135791357913'])(
    'accepts the non-trivial PIN %s',
    (pin) => {
      expect(isTrivialPin(pin)).toBe(false);
      expect(() => assertUsablePin(pin)).not.toThrow();
    },
  );

  it('refuses exactly 120 of the 10 000 four-digit PINs (documented in PROTOCOL.md)', () => {
    let trivialCount = 0;
    for (let i = 0; i < 10_000; i++) if (isTrivialPin(String(i).padStart(4, '0'))) trivialCount++;
    expect(trivialCount).toBe(120);
  });

  it.each(['', '123', '1234567890123', '12 456', '12345a', '١٢٣٤٥٦'])(
    'rejects the malformed PIN %j',
    (pin) => {
      expect(() => assertUsablePin(pin)).toThrow(InvalidArgumentError);
    },
  );

  it('generates PINs of the requested length that are never trivial', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 12 }), fc.integer({ min: 0, max: 0xffff }), (length, seed) => {
        const pin = generatePin(length, seededRandom(seed));
        return pin.length === length && /^[0-9]+$/.test(pin) && !isTrivialPin(pin);
      }),
      { seed: 42, numRuns: 500 },
    );
    expect(generatePin()).toMatch(/^[0-9]{6}$/);
    expect(() => generatePin(3)).toThrow(InvalidArgumentError);
    expect(() => generatePin(13)).toThrow(InvalidArgumentError);
  });

  it('skips bytes >= 250 (rejection sampling, no modulo bias)', () => {
    const bytes = [250, 255, 4, 251, 18, 27, 36, 49, 58, 0, 0, 0];
    let i = 0;
    const pin = generatePin(6, (n) => Uint8Array.from({ length: n }, () => bytes[i++] ?? 0));
    expect(pin).toBe('487698');
  });

  it('has no digit bias per position (chi-square, seeded, 20 000 PINs)', () => {
    const random = seededRandom(7);
    const counts = Array.from({ length: 6 }, () => new Array<number>(10).fill(0));
    const n = 20_000;
    for (let k = 0; k < n; k++) {
      const pin = generatePin(6, random);
      for (let p = 0; p < 6; p++) {
        const row = counts[p] as number[];
        const digit = pin.charCodeAt(p) - 48;
        row[digit] = (row[digit] as number) + 1;
      }
    }
    for (const row of counts) {
      const chi2 = row.reduce((acc, c) => acc + (c - n / 10) ** 2 / (n / 10), 0);
      // 9 degrees of freedom: P(chi2 > 27.88) = 0.001.
      expect(chi2).toBeLessThan(27.88);
    }
  });
});

describe('QR pairing secrets', () => {
  it('are 128-bit and round-trip through QR-alphanumeric base32', () => {
    const secret = generatePairingSecret();
    expect(secret.length).toBe(16);
    const text = encodePairingSecret(secret);
    expect(text).toMatch(/^[A-Z2-7]{26}$/);
    expect(decodePairingSecret(text)).toEqual(secret);
    expect(decodePairingSecret(text.toLowerCase())).toEqual(secret);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 64 }), (s) => {
        expect(decodePairingSecret(encodePairingSecret(s))).toEqual(s);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it.each([
    ['not base32', 'ABCDEFGHIJKLMNOPQRSTUVWXY1'],
    ['too short', 'AAAAAAAAAAAAAAAAAAA'],
    ['non-canonical tail', 'AAAAAAAAAAAAAAAAAAAAAAAAAB'],
    ['impossible length', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['empty', ''],
  ])('rejects %s', (_name, text) => {
    expect(() => decodePairingSecret(text)).toThrow(MalformedInputError);
  });

  it('refuses to encode a short secret', () => {
    expect(() => encodePairingSecret(new Uint8Array(11))).toThrow(InvalidArgumentError);
  });
});
