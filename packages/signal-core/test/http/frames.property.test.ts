import { LanrtcError } from '@lanrtc/signal-core';
import { decodeHttpFrame, encodeHttpFrame, type HttpFrame } from '@lanrtc/signal-core/http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const SEED = 20261207;
const token = fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
const value = fc.string({ maxLength: 40 }).filter((v) => !/[\r\n\0]/.test(v));
const headers = fc.array(fc.tuple(token, value), { maxLength: 6 });
const stream = fc.integer({ min: 1, max: 0xffffffff });
const frame: fc.Arbitrary<HttpFrame> = fc.oneof(
  fc.record({
    type: fc.constant('request' as const),
    stream,
    end: fc.boolean(),
    method: fc.stringMatching(/^[A-Z]{1,10}$/),
    path: fc.string({ minLength: 1, maxLength: 60 }),
    headers,
  }),
  fc.record({
    type: fc.constant('response' as const),
    stream,
    end: fc.boolean(),
    status: fc.integer({ min: 100, max: 999 }),
    headers,
  }),
  fc.record({
    type: fc.constant('data' as const),
    stream,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  }),
  fc.record({
    type: fc.constant('window' as const),
    stream,
    increment: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  }),
  fc.record({
    type: fc.constant('reset' as const),
    stream,
    code: fc.constantFrom(
      'cancel',
      'refused',
      'internal',
      'protocol',
      'too-large',
      'upstream-failed' as const,
    ),
  }),
);

/** Decoding either returns a frame or throws one of lanrtc's typed errors: never a RangeError or a hang. */
function typedOrValue(bytes: Uint8Array): void {
  let thrown: unknown;
  try {
    decodeHttpFrame(bytes);
  } catch (error) {
    thrown = error;
  }
  if (thrown !== undefined) expect(thrown).toBeInstanceOf(LanrtcError);
}

describe('HTTP frame codec (seeded properties)', () => {
  it('any valid frame round-trips', () => {
    fc.assert(
      fc.property(frame, (f) => {
        expect(decodeHttpFrame(encodeHttpFrame(f))).toEqual(f);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('random bytes decode or throw a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => typedOrValue(bytes)),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('a valid frame with one byte flipped, cut or extended decodes or throws a typed error', () => {
    fc.assert(
      fc.property(frame, fc.nat(), fc.integer({ min: 1, max: 255 }), (f, at, xor) => {
        const bytes = encodeHttpFrame(f);
        const flipped = bytes.slice();
        const i = at % bytes.length;
        flipped[i] = (flipped[i] as number) ^ xor;
        typedOrValue(flipped);
        typedOrValue(bytes.subarray(0, i));
        const longer = new Uint8Array(bytes.length + 1);
        longer.set(bytes);
        if (f.type !== 'data') expect(() => decodeHttpFrame(longer)).toThrow(LanrtcError);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
