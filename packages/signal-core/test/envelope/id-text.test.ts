import fc from 'fast-check';
import { expect, it } from 'vitest';
import { toHex } from '../../src/encoding/bytes.js';
import { idBytesFromText } from '../../src/envelope/id-text.js';
import { toBase32 } from '../../src/identity/base32.js';

it('decodes exactly the id texts toBase32 produces (seeded property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const text = toBase32(bytes);
      expect(toHex(idBytesFromText(text) as Uint8Array)).toBe(toHex(bytes));
      expect(idBytesFromText(text.toUpperCase())).toBeUndefined();
      expect(idBytesFromText(text.slice(1))).toBeUndefined();
      expect(idBytesFromText(`${text}a`)).toBeUndefined();
    }),
    { seed: 42, numRuns: 200 },
  );
  expect(idBytesFromText('aaaaaaaaaaaaaaaaaaaaaaaaab')).toBeUndefined(); // non-zero padding bits
  expect(idBytesFromText('aaaaaaaaaaaaaaaaaaaaaaaaa1')).toBeUndefined(); // not in the alphabet
});
