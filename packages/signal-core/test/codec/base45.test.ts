import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase45, toBase45 } from '../../src/codec/base45.js';
import { fromQrText, QR_TEXT_PREFIX, toQrText } from '../../src/codec/qr-text.js';
import { fromUtf8, utf8 } from '../../src/exports/codec.js';
import { InvalidArgumentError, MalformedInputError, UnsupportedVersionError } from '../../src/index.js';
import vectors from '../vectors/codec-base45.json' with { type: 'json' };

const QR_ALNUM = /^[0-9A-Z $%*+\-./:]*$/;

describe('base45 (RFC 9285)', () => {
  it.each(vectors.encode)('encodes and decodes the RFC 9285 example $text', ({ text, base45 }) => {
    expect(toBase45(utf8(text))).toBe(base45);
    expect(fromUtf8(fromBase45(base45))).toBe(text);
  });

  it('round-trips any bytes and emits only QR alphanumeric characters (seeded property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = toBase45(bytes);
        expect(text).toMatch(QR_ALNUM);
        expect(text.length).toBe(Math.floor(bytes.length / 2) * 3 + (bytes.length % 2) * 2);
        expect(fromBase45(text)).toEqual(bytes);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it.each([
    ['a single trailing character', 'BB8A'],
    ['a lowercase letter', 'bb8'],
    ['a character outside the alphabet', 'BB#'],
    ['a triple above 65535 (":::" = 91124)', ':::'],
    ['a final pair above 255 ("::" = 2024)', '::'],
    ['a non-ASCII character', 'BBé'],
  ])('rejects %s with MalformedInputError', (_what, text) => {
    expect(() => fromBase45(text)).toThrow(MalformedInputError);
  });
});

describe('QR text', () => {
  it('is never produced longer than a QR code holds (4296 characters), which the decoder also refuses', () => {
    const fits = toQrText(new Uint8Array(2860)); // 4 + 1430 × 3 = 4294 characters
    expect(fits.length).toBe(4294);
    expect(fromQrText(fits)).toEqual(new Uint8Array(2860));
    expect(() => toQrText(new Uint8Array(2862))).toThrow(InvalidArgumentError); // 4297
    expect(() => fromQrText(`${QR_TEXT_PREFIX}${'0'.repeat(4293)}`)).toThrow(MalformedInputError);
  });

  it('is the LR1: marker followed by base45 and round-trips', () => {
    const bytes = Uint8Array.of(1, 0, 8, 255, 0);
    const text = toQrText(bytes);
    expect(text.startsWith(QR_TEXT_PREFIX)).toBe(true);
    expect(text).toMatch(QR_ALNUM);
    expect(fromQrText(text)).toEqual(bytes);
    expect(fromQrText(`${text}\r\n`)).toEqual(bytes);
  });

  it.each([
    ['no marker', 'BB8', MalformedInputError],
    ['a lowercase marker', 'lr1:BB8', MalformedInputError],
    ['bad base45 after the marker', 'LR1:BB8A', MalformedInputError],
    ['a leading space', ' LR1:BB8', MalformedInputError],
    ['an oversized text', `LR1:${'0'.repeat(5000)}`, MalformedInputError],
    ['another text version', 'LR2:BB8', UnsupportedVersionError],
  ])('rejects %s', (_what, text, error) => {
    expect(() => fromQrText(text)).toThrow(error);
  });
});
