import { createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../src/encoding/bytes.js';
import { type OpenEnvelopeOptions, openEnvelope } from '../../src/envelope/open.js';
import { createReplayGuard } from '../../src/envelope/replay.js';
import { sealEnvelope } from '../../src/envelope/seal.js';
import { type EnvelopeType, MAX_ENVELOPE_PAYLOAD } from '../../src/envelope/types.js';
import {
  InvalidArgumentError,
  InvalidSignatureError,
  MalformedInputError,
  ReplayedEnvelopeError,
  StaleEnvelopeError,
  UnexpectedEnvelopeTypeError,
  UnexpectedSenderError,
  UnsupportedVersionError,
  WrongRecipientError,
} from '../../src/errors.js';
import { identityFromSecretKey, publicIdentity, signWithDomain } from '../../src/identity/identity.js';
import vectors from '../vectors/envelope.json' with { type: 'json' };

const v = vectors.offer;
const hex = (s: string): Uint8Array => fromHex(s) as Uint8Array;
const alice = identityFromSecretKey(hex(v.senderSecretKey));
const bob = identityFromSecretKey(hex(v.recipientSecretKey));
const mallory = identityFromSecretKey(new Uint8Array(32).fill(7));
const T0 = v.timestamp;
const SESSION = hex(v.session);
const TYPES: readonly EnvelopeType[] = ['offer', 'answer', 'candidate', 'pairing', 'bye', 'auth', 'app'];

// Field offsets of the documented layout (docs/PROTOCOL.md §"Envelopes").
const OFF = { version: 0, type: 1, sender: 2, recipient: 34, session: 50, counter: 66 } as const;

/** The error `fn` throws (undefined if none), so the assertion happens outside any catch. */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};
const seal = (over: Partial<Parameters<typeof sealEnvelope>[1]> = {}, from = alice): Uint8Array =>
  sealEnvelope(from, {
    type: 'offer',
    recipient: bob.id,
    session: SESSION,
    counter: 1,
    timestamp: T0,
    payload: utf8('hello lanrtc'),
    ...over,
  });
const opts = (over: Partial<OpenEnvelopeOptions> = {}): OpenEnvelopeOptions => ({
  recipient: bob.id,
  replay: createReplayGuard(),
  now: T0,
  ...over,
});
/** Re-sign an edited body under `domain` with `signer` (to build hostile but validly signed inputs). */
const resign = (body: Uint8Array, signer = alice, domain = 'lanrtc/envelope/offer/v1'): Uint8Array => {
  const out = new Uint8Array(body.length + 64);
  out.set(body);
  out.set(signWithDomain(signer, domain, body), body.length);
  return out;
};

describe('envelope golden vector', () => {
  it('seals to the exact recorded bytes', () => {
    const bytes = seal();
    expect(toHex(bytes)).toBe(v.envelope);
    expect(bob.id).toBe(v.recipientId);
  });

  it('verifies with an independent Ed25519 (Node crypto) over the documented layout', () => {
    const bytes = hex(v.envelope);
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), bytes.subarray(2, 34)]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const message = Buffer.concat([Buffer.from('lanrtc/envelope/offer/v1\0'), bytes.subarray(0, -64)]);
    expect(verify(null, message, key, bytes.subarray(-64))).toBe(true);
    expect(
      verify(
        null,
        Buffer.concat([Buffer.from('lanrtc/envelope/answer/v1\0'), bytes.subarray(0, -64)]),
        key,
        bytes.subarray(-64),
      ),
    ).toBe(false);
    expect(toHex(bytes.subarray(OFF.sender, OFF.recipient))).toBe(toHex(alice.publicKey));
    expect(toHex(bytes.subarray(OFF.session, OFF.counter))).toBe(v.session);
  });

  it('opens to the recorded fields', () => {
    const e = openEnvelope(hex(v.envelope), opts());
    expect(e).toMatchObject({ version: 1, type: 'offer', recipient: bob.id, counter: 1, timestamp: T0 });
    expect(e.sender.id).toBe(alice.id);
    expect(toHex(e.session)).toBe(v.session);
    expect(toHex(e.payload)).toBe(toHex(utf8(v.payloadUtf8)));
  });
});

describe('envelope round trip', () => {
  it('opens whatever it seals (seeded property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPES),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.nat({ max: 4_102_444_800_000 }),
        fc.uint8Array({ maxLength: 3000 }),
        (type, session, counter, timestamp, payload) => {
          const bytes = sealEnvelope(alice, {
            type,
            recipient: bob.id,
            session,
            counter,
            timestamp,
            payload,
          });
          const e = openEnvelope(bytes, opts({ now: timestamp }));
          expect(e.type).toBe(type);
          expect(e.counter).toBe(counter);
          expect(e.timestamp).toBe(timestamp);
          expect(toHex(e.session)).toBe(toHex(session));
          expect(toHex(e.payload)).toBe(toHex(payload));
          expect(e.sender.id).toBe(alice.id);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('accepts a payload of exactly 64 KiB', () => {
    const payload = new Uint8Array(MAX_ENVELOPE_PAYLOAD).fill(1);
    expect(openEnvelope(seal({ payload }), opts()).payload.length).toBe(MAX_ENVELOPE_PAYLOAD);
  });
});

describe('envelope hostile inputs', () => {
  const good = hex(v.envelope);

  it.each<[string, () => Uint8Array, new (...a: never[]) => Error]>([
    ['empty input', () => new Uint8Array(0), MalformedInputError],
    ['version 0', () => Uint8Array.from([0, ...good.subarray(1)]), UnsupportedVersionError],
    ['version 2', () => Uint8Array.from([2, ...good.subarray(1)]), UnsupportedVersionError],
    ['version 255 alone', () => Uint8Array.of(255), UnsupportedVersionError],
    ['type code 0', () => Uint8Array.from([1, 0, ...good.subarray(2)]), MalformedInputError],
    ['type code 8', () => Uint8Array.from([1, 8, ...good.subarray(2)]), MalformedInputError],
    ['trailing byte', () => Uint8Array.from([...good, 0]), MalformedInputError],
    [
      'sender key not on the curve',
      () => {
        const b = good.slice();
        b.fill(0xff, OFF.sender, OFF.recipient);
        return b;
      },
      MalformedInputError,
    ],
    [
      'non-minimal counter varint',
      () =>
        resign(
          Uint8Array.from([
            ...good.subarray(0, OFF.counter),
            0x81,
            0x00,
            ...good.subarray(OFF.counter + 1, -64),
          ]),
        ),
      MalformedInputError,
    ],
    [
      'payload length over 64 KiB',
      () => {
        // Re-encode with a 65 537-byte payload, validly signed: the length bound must still reject it.
        const head = good.subarray(0, OFF.counter + 7); // through the timestamp varint
        const big = new Uint8Array(MAX_ENVELOPE_PAYLOAD + 1);
        return resign(Uint8Array.from([...head, 0x81, 0x80, 0x04, ...big]));
      },
      MalformedInputError,
    ],
    [
      'offer signature relabelled as answer',
      () => Uint8Array.from([1, 2, ...good.subarray(2)]),
      InvalidSignatureError,
    ],
    [
      'signature zeroed',
      () => {
        const b = good.slice();
        b.fill(0, -64);
        return b;
      },
      InvalidSignatureError,
    ],
  ])('%s → specific error', (_name, make, error) => {
    expect(() => openEnvelope(make(), opts())).toThrow(error);
  });

  it('rejects every truncation with MalformedInputError', () => {
    for (let n = 0; n < good.length; n++) {
      expect(() => openEnvelope(good.subarray(0, n), opts()), `length ${n}`).toThrow(MalformedInputError);
    }
  });

  it('rejects every single-bit flip with the error of the field it lands in', () => {
    const timestampEnd = OFF.counter + 1 + 6; // counter is 1 byte, the timestamp 6 bytes
    for (let i = 0; i < good.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = good.slice();
        b[i] = (b[i] as number) ^ (1 << bit);
        const run = (): unknown => openEnvelope(b, opts());
        const where = `byte ${i} bit ${bit}`;
        if (i === OFF.version) {
          expect(run, where).toThrow(UnsupportedVersionError);
        } else if (i === OFF.type) {
          const known = (b[i] as number) >= 1 && (b[i] as number) <= 7;
          expect(run, where).toThrow(known ? InvalidSignatureError : MalformedInputError);
        } else if (i < OFF.recipient) {
          const valid = thrown(() => publicIdentity(b.subarray(OFF.sender, OFF.recipient))) === undefined;
          expect(run, where).toThrow(valid ? InvalidSignatureError : MalformedInputError);
        } else if (i < OFF.counter || i >= timestampEnd + 1) {
          // recipient, session (fixed size), the payload length/bytes and the signature: a flip in
          // the payload length byte changes the framing, everything else breaks the signature.
          const error = i === timestampEnd ? MalformedInputError : InvalidSignatureError;
          expect(run, where).toThrow(error);
        } else {
          // Inside a varint: a flipped continuation bit changes the framing, others the value.
          const error = thrown(run);
          expect(error instanceof InvalidSignatureError || error instanceof MalformedInputError, where).toBe(
            true,
          );
        }
      }
    }
  });

  it('rejects a signature by someone else under a swapped-in public key', () => {
    // Mallory signs an envelope, then claims Alice sent it by writing Alice's key in the sender field.
    const forged = seal({}, mallory);
    forged.set(alice.publicKey, OFF.sender);
    const body = forged.subarray(0, -64);
    expect(() => openEnvelope(resign(body, mallory), opts())).toThrow(InvalidSignatureError);
    expect(() => openEnvelope(forged, opts())).toThrow(InvalidSignatureError);
    // And the reverse: Alice's genuine signature relabelled as Mallory's.
    const relabelled = seal();
    relabelled.set(mallory.publicKey, OFF.sender);
    expect(() => openEnvelope(relabelled, opts())).toThrow(InvalidSignatureError);
  });

  it('rejects bad seal arguments with InvalidArgumentError', () => {
    expect(() => seal({ recipient: 'not-an-id' })).toThrow(InvalidArgumentError);
    expect(() => seal({ recipient: `${bob.id.slice(0, 25)}b` })).toThrow(InvalidArgumentError); // non-zero pad bits
    expect(() => seal({ session: new Uint8Array(15) })).toThrow(InvalidArgumentError);
    expect(() => seal({ counter: -1 })).toThrow(InvalidArgumentError);
    expect(() => seal({ counter: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => seal({ timestamp: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => seal({ payload: new Uint8Array(MAX_ENVELOPE_PAYLOAD + 1) })).toThrow(InvalidArgumentError);
    expect(() => seal({ type: 'nope' as EnvelopeType })).toThrow(InvalidArgumentError);
  });
});

describe('envelope checks after the signature', () => {
  it('rejects an envelope for someone else', () => {
    expect(() => openEnvelope(seal({ recipient: mallory.id }), opts())).toThrow(WrongRecipientError);
    // A caller passing something that is not an id is a programming error, not hostile input.
    expect(() => openEnvelope(seal(), opts({ recipient: 'me' }))).toThrow(InvalidArgumentError);
  });

  it('rejects stale and future timestamps, accepts the boundaries', () => {
    expect(() => openEnvelope(seal({ timestamp: T0 - 60_001 }), opts())).toThrow(StaleEnvelopeError);
    expect(() => openEnvelope(seal({ timestamp: T0 + 5_001 }), opts())).toThrow(StaleEnvelopeError);
    expect(openEnvelope(seal({ timestamp: T0 - 60_000 }), opts()).timestamp).toBe(T0 - 60_000);
    expect(openEnvelope(seal({ timestamp: T0 + 5_000 }), opts()).timestamp).toBe(T0 + 5_000);
    expect(() => openEnvelope(seal({ timestamp: T0 - 2_000 }), opts({ maxAgeMs: 1_000 }))).toThrow(
      StaleEnvelopeError,
    );
    expect(() => openEnvelope(seal({ timestamp: T0 + 10 }), opts({ maxFutureMs: 0 }))).toThrow(
      StaleEnvelopeError,
    );
  });

  it('enforces expected sender and type', () => {
    expect(() => openEnvelope(seal(), opts({ expectedSender: mallory }))).toThrow(UnexpectedSenderError);
    expect(openEnvelope(seal(), opts({ expectedSender: alice })).sender.id).toBe(alice.id);
    expect(() => openEnvelope(seal(), opts({ expectedType: 'answer' }))).toThrow(UnexpectedEnvelopeTypeError);
    expect(() => openEnvelope(seal(), opts({ expectedType: ['answer', 'bye'] }))).toThrow(
      UnexpectedEnvelopeTypeError,
    );
    expect(openEnvelope(seal(), opts({ expectedType: ['answer', 'offer'] })).type).toBe('offer');
  });
});

describe('envelope replay protection', () => {
  it('rejects a duplicate, accepts reordering within the window, rejects too old', () => {
    const replay = createReplayGuard({ window: 64 });
    const open = (counter: number) => openEnvelope(seal({ counter }), opts({ replay }));
    expect(open(10).counter).toBe(10);
    expect(() => open(10)).toThrow(ReplayedEnvelopeError);
    expect(open(12).counter).toBe(12);
    expect(open(11).counter).toBe(11); // late but inside the window
    expect(open(100).counter).toBe(100);
    expect(open(37).counter).toBe(37); // 100 - 37 = 63 < 64: still inside
    expect(() => open(36)).toThrow(ReplayedEnvelopeError); // 100 - 36 = 64: behind the window
    expect(() => open(11)).toThrow(ReplayedEnvelopeError);
    expect(() => open(37)).toThrow(ReplayedEnvelopeError);
  });

  it('keeps sessions and senders apart', () => {
    const replay = createReplayGuard();
    openEnvelope(seal({ counter: 1 }), opts({ replay }));
    expect(openEnvelope(seal({ counter: 1, session: new Uint8Array(16) }), opts({ replay })).counter).toBe(1);
    expect(openEnvelope(seal({ counter: 1 }, mallory), opts({ replay })).counter).toBe(1);
    expect(replay.size).toBe(3);
  });

  it('records nothing for forged, misdirected, stale or unexpected envelopes', () => {
    const replay = createReplayGuard();
    const forged = seal({ counter: 5 });
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    expect(() => openEnvelope(forged, opts({ replay }))).toThrow(InvalidSignatureError);
    expect(() => openEnvelope(seal({ counter: 5, recipient: mallory.id }), opts({ replay }))).toThrow(
      WrongRecipientError,
    );
    expect(() => openEnvelope(seal({ counter: 5, timestamp: 0 }), opts({ replay }))).toThrow(
      StaleEnvelopeError,
    );
    expect(() => openEnvelope(seal({ counter: 5 }), opts({ replay, expectedType: 'bye' }))).toThrow(
      UnexpectedEnvelopeTypeError,
    );
    expect(replay.size).toBe(0);
    expect(openEnvelope(seal({ counter: 5 }), opts({ replay })).counter).toBe(5);
  });
});

describe('replay guard', () => {
  it('evicts the least recently used session when full', () => {
    const g = createReplayGuard({ maxEntries: 2 });
    const s = (n: number) => new Uint8Array(16).fill(n);
    g.accept('a', s(1), 1);
    g.accept('a', s(2), 1);
    g.accept('a', s(1), 2); // touch session 1: session 2 is now the LRU
    g.accept('a', s(3), 1); // evicts session 2
    expect(g.size).toBe(2);
    expect(g.check('a', s(1), 2)).toBe(false);
    expect(g.check('a', s(2), 1)).toBe(true); // forgotten
    expect(g.check('a', s(3), 1)).toBe(false);
  });

  it('clears slots when the window slides far ahead', () => {
    const g = createReplayGuard({ window: 8 });
    const s = new Uint8Array(16);
    for (let c = 0; c < 8; c++) g.accept('a', s, c);
    g.accept('a', s, 1000);
    for (let c = 993; c < 1000; c++) expect(g.check('a', s, c), `counter ${c}`).toBe(true);
    expect(g.check('a', s, 992)).toBe(false);
    g.forget('a', s);
    expect(g.size).toBe(0);
  });

  it('matches a plain set model on random sequences (seeded)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 300 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 70 }),
        (seq, w) => {
          const g = createReplayGuard({ window: w });
          const s = new Uint8Array(16);
          const seen = new Set<number>();
          let top = -1;
          for (const c of seq) {
            const expectOk = !seen.has(c) && (top < 0 || c > top - w);
            expect(g.check('x', s, c)).toBe(expectOk);
            if (expectOk) {
              g.accept('x', s, c);
              seen.add(c);
              top = Math.max(top, c);
            } else {
              expect(() => g.accept('x', s, c)).toThrow(ReplayedEnvelopeError);
            }
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('rejects bad options and counters', () => {
    expect(() => createReplayGuard({ window: 0 })).toThrow(InvalidArgumentError);
    expect(() => createReplayGuard({ maxEntries: 0 })).toThrow(InvalidArgumentError);
    expect(() => createReplayGuard().check('a', new Uint8Array(16), -1)).toThrow(InvalidArgumentError);
  });
});
