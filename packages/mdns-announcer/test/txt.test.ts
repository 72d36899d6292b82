import { MalformedInputError } from '@lanrtc/signal-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CardTooLargeError } from '../src/errors.js';
import { decodeServiceTxt, encodeServiceTxt } from '../src/txt.js';

const card = { id: 'abc', name: 'Hall', deviceTypes: ['doorbell', 'game'], expiresAt: 2 ** 31 };
const b = (s: string) => Buffer.from(s);

describe('service TXT (RFC 6763 §6)', () => {
  it('round-trips the binary card and carries readable hints', () => {
    const bytes = new Uint8Array([0, 61, 255, 10, 13]); // binary, including '=' and NUL
    const txt = encodeServiceTxt(bytes, card);
    expect(txt.map((s) => s.toString('latin1')).slice(0, 4)).toEqual([
      'v=1',
      'id=abc',
      'n=Hall',
      't=doorbell,game',
    ]);
    expect(decodeServiceTxt(txt)).toEqual({ card: bytes, id: 'abc' });
  });

  it('refuses a card over 250 bytes instead of truncating it', () => {
    expect(() => encodeServiceTxt(new Uint8Array(251), card)).toThrow(CardTooLargeError);
    expect(encodeServiceTxt(new Uint8Array(250), card).at(-1)?.length).toBe(252);
  });

  it('takes the first occurrence of a key and ignores boolean attributes (RFC 6763 §6.4)', () => {
    const parsed = decodeServiceTxt([b('v=1'), b('flag'), b(''), b('C=first'), b('c=second')]);
    expect(Buffer.from(parsed.card).toString()).toBe('first');
  });

  it.each([
    { what: 'not an array of bytes', data: ['v=1', 'c=x'] },
    { what: 'no version', data: [b('c=abc')] },
    { what: 'wrong version', data: [b('v=2'), b('c=abc')] },
    { what: 'no card', data: [b('v=1'), b('id=x')] },
    { what: 'empty card', data: [b('v=1'), b('c=')] },
    { what: 'card over 250 bytes', data: [b('v=1'), Buffer.concat([b('c='), Buffer.alloc(251)])] },
    { what: 'too many strings', data: [b('v=1'), b('c=a'), ...Array.from({ length: 20 }, () => b('x=1'))] },
    {
      what: 'too many bytes',
      data: [b('v=1'), b('c=a'), ...Array.from({ length: 6 }, () => Buffer.alloc(250, 97))],
    },
    { what: 'id that is not UTF-8', data: [b('v=1'), b('c=a'), Buffer.from([0x69, 0x64, 0x3d, 0xff])] },
    { what: 'key that is not UTF-8', data: [b('v=1'), b('c=a'), Buffer.from([0xc3, 0x28, 0x3d, 0x31])] },
    { what: 'key with a control byte', data: [b('v=1'), Buffer.from([0x63, 0x00, 0x3d, 0x31]), b('c=a')] },
  ])('rejects $what with MalformedInputError', ({ data }) => {
    expect(() => decodeServiceTxt(data)).toThrow(MalformedInputError);
  });

  /** Hostile TXT strings: random bytes with an `=` somewhere, so keys of any bytes are parsed. */
  const hostileString = fc
    .tuple(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 40 }))
    .map(([key, value]) => Buffer.concat([Buffer.from(key), b('='), Buffer.from(value)]));

  it('returns or throws MalformedInputError for any TXT strings, never another error', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            hostileString,
            fc.uint8Array({ maxLength: 60 }).map((x) => Buffer.from(x)),
          ),
          {
            maxLength: 20,
          },
        ),
        fc.boolean(),
        (strings, withValid) => {
          const data = withValid ? [b('v=1'), b('c=card'), ...strings] : strings;
          try {
            decodeServiceTxt(data);
          } catch (error) {
            expect(error).toBeInstanceOf(MalformedInputError);
          }
        },
      ),
      { seed: 7, numRuns: 3000 },
    );
  });
});
