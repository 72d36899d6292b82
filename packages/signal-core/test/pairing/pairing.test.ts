import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/bytes.js';
import {
  InvalidArgumentError,
  MalformedInputError,
  PairingFailedError,
  PairingStateError,
  UnsupportedVersionError,
  WeakPinError,
} from '../../src/errors.js';
import { encodePairingAbort, PAIRING_VERSION as V } from '../../src/pairing/messages.js';
import { createPairing, type PairingMode } from '../../src/pairing/pairing.js';
import { generatePairingSecret } from '../../src/pairing/pin.js';
import { pair, SID, side, thrown } from './helpers.js';

const PIN: PairingMode = { kind: 'pin', pin: '482915' };

describe('pairing (PIN / secret, CPace)', () => {
  it('both sides succeed with the same PIN, learn each other and derive equal keys in 3 messages', () => {
    const { a, b, ia, rb } = pair(PIN);
    const m1 = ia.start();
    expect(m1.length).toBe(99);
    const s1 = rb.receive(m1);
    expect(s1.result).toBeUndefined();
    expect(s1.send?.length).toBe(194);
    const s2 = ia.receive(s1.send as Uint8Array);
    expect(s2.send?.length).toBe(98);
    const s3 = rb.receive(s2.send as Uint8Array);
    expect(s3.send).toBeUndefined();
    const ra = s2.result;
    const rr = s3.result;
    expect(ra?.peer.id).toBe(b.identity.id);
    expect(rr?.peer.id).toBe(a.identity.id);
    expect(toHex(ra?.peerFingerprint as Uint8Array)).toBe(toHex(b.fingerprint));
    expect(toHex(rr?.peerFingerprint as Uint8Array)).toBe(toHex(a.fingerprint));
    expect(ra?.sessionKey.length).toBe(32);
    expect(toHex(ra?.sessionKey as Uint8Array)).toBe(toHex(rr?.sessionKey as Uint8Array));
    expect(ia.state).toBe('done');
    expect(rb.state).toBe('done');
  });

  it('works with a QR secret, and two runs never share a session key', () => {
    const secret: PairingMode = { kind: 'secret', secret: generatePairingSecret() };
    const keys = [0, 1].map(() => {
      const { ia, rb } = pair(secret);
      const s2 = ia.receive(rb.receive(ia.start()).send as Uint8Array);
      const s3 = rb.receive(s2.send as Uint8Array);
      expect(toHex(s2.result?.sessionKey as Uint8Array)).toBe(toHex(s3.result?.sessionKey as Uint8Array));
      return toHex(s2.result?.sessionKey as Uint8Array);
    });
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('wrong PIN: the initiator fails on the response, its abort fails the responder, no result', () => {
    const { ia, rb } = pair(PIN, { kind: 'pin', pin: '482916' });
    const s1 = rb.receive(ia.start());
    expect(() => ia.receive(s1.send as Uint8Array)).toThrow(PairingFailedError);
    expect(ia.state).toBe('failed');
    expect(() => rb.receive(ia.abort())).toThrow(PairingFailedError);
    expect(rb.state).toBe('failed');
    expect(() => ia.receive(s1.send as Uint8Array)).toThrow(PairingStateError);
  });

  it('different session ids or modes fail', () => {
    const a = side();
    const b = side();
    const ia = createPairing({ role: 'initiator', ...a, mode: PIN, sessionId: SID });
    const rb = createPairing({ role: 'responder', ...b, mode: PIN, sessionId: new Uint8Array(16) });
    expect(() => ia.receive(rb.receive(ia.start()).send as Uint8Array)).toThrow(PairingFailedError);
    const secret = { kind: 'secret', secret: new Uint8Array(16).fill(7) } as const;
    const { ia: i2, rb: r2 } = pair(PIN, secret);
    expect(() => r2.receive(i2.start())).toThrow(PairingFailedError);
  });

  it('a man in the middle that swaps in its own identity key or fingerprint is caught', () => {
    const mallory = side();
    // Swap A's identity key / fingerprint in the hello (bytes 3+32.. and 3+64..).
    for (const [offset, value] of [
      [35, mallory.identity.publicKey],
      [67, mallory.fingerprint],
    ] as const) {
      const { ia, rb } = pair(PIN);
      const m1 = ia.start();
      m1.set(value, offset);
      const s1 = rb.receive(m1);
      expect(() => ia.receive(s1.send as Uint8Array)).toThrow(PairingFailedError);
    }
    // Swap B's identity key / fingerprint in the response (after Yb at 2..34).
    for (const [offset, value] of [
      [34, mallory.identity.publicKey],
      [66, mallory.fingerprint],
    ] as const) {
      const { ia, rb } = pair(PIN);
      const s1 = rb.receive(ia.start());
      const m2 = (s1.send as Uint8Array).slice();
      m2.set(value, offset);
      expect(() => ia.receive(m2)).toThrow(PairingFailedError);
    }
  });

  it('a man in the middle who knows the PIN but not the key cannot claim another identity', () => {
    // Mallory runs the protocol honestly with the PIN but puts Bob's key in her response: the
    // signature over the transcript must come from Bob's key, which she does not hold.
    const bob = side();
    const mallory = side();
    const { ia, rb } = pair(PIN, PIN, side(), mallory);
    const m2 = (rb.receive(ia.start()).send as Uint8Array).slice();
    m2.set(bob.identity.publicKey, 34);
    expect(() => ia.receive(m2)).toThrow(PairingFailedError);
  });

  const fields = {
    hello: [
      ['mode', 2],
      ['Ya', 10],
      ['identity key', 40],
      ['fingerprint', 80],
    ],
    response: [
      ['Yb', 10],
      ['identity key', 40],
      ['fingerprint', 80],
      ['tag', 110],
      ['signature', 170],
    ],
    finish: [
      ['tag', 10],
      ['signature', 60],
    ],
  } as const;

  it.each(fields.hello)('a flipped hello %s fails the pairing', (_name, at) => {
    const { ia, rb } = pair(PIN);
    const m1 = ia.start();
    m1[at] = (m1[at] as number) ^ 0x01;
    const err = thrown(() => ia.receive(rb.receive(m1).send as Uint8Array));
    expect([PairingFailedError.code, MalformedInputError.code]).toContain((err as Error).name);
    expect(ia.state === 'failed' || rb.state === 'failed').toBe(true);
  });

  it.each(fields.response)('a flipped response %s fails the initiator', (_name, at) => {
    const { ia, rb } = pair(PIN);
    const m2 = (rb.receive(ia.start()).send as Uint8Array).slice();
    m2[at] = (m2[at] as number) ^ 0x01;
    const err = thrown(() => ia.receive(m2));
    expect([PairingFailedError.code, MalformedInputError.code]).toContain((err as Error).name);
    expect(ia.state).toBe('failed');
  });

  it.each(fields.finish)('a flipped finish %s fails the responder', (_name, at) => {
    const { ia, rb } = pair(PIN);
    const m3 = (ia.receive(rb.receive(ia.start()).send as Uint8Array).send as Uint8Array).slice();
    m3[at] = (m3[at] as number) ^ 0x01;
    expect(() => rb.receive(m3)).toThrow(PairingFailedError);
    expect(rb.state).toBe('failed');
  });

  it('rejects the neutral element and undecodable shares as a failed pairing (draft §9)', () => {
    for (const fill of [0x00, 0xff]) {
      const { ia, rb } = pair(PIN);
      const m1 = ia.start();
      m1.fill(fill, 3, 35);
      expect(() => rb.receive(m1)).toThrow(PairingFailedError);
    }
  });

  it('refuses a reflected hello (own identity key) ', () => {
    const me = side();
    const { ia, rb } = pair(PIN, PIN, me, me);
    expect(() => rb.receive(ia.start())).toThrow(PairingFailedError);
  });

  it('out-of-order messages throw PairingStateError', () => {
    const { ia, rb } = pair(PIN);
    expect(() => rb.start()).toThrow(PairingStateError);
    const m1 = ia.start();
    expect(() => ia.start()).toThrow(PairingStateError);
    expect(() => ia.receive(m1)).toThrow(PairingStateError); // initiator gets a hello
    const { ia: i2, rb: r2 } = pair(PIN);
    const m3 = i2.receive(r2.receive(i2.start()).send as Uint8Array).send as Uint8Array;
    const { rb: r3 } = pair(PIN);
    expect(() => r3.receive(m3)).toThrow(PairingStateError); // finish before hello
    expect(() => ia.confirm(true)).toThrow(PairingStateError); // not compare mode
    expect(() => r2.receive(m1)).toThrow(PairingStateError); // after done
  });

  const hostile: [string, Uint8Array, new (...args: never[]) => Error][] = [
    ['empty', new Uint8Array(0), MalformedInputError],
    ['version only', Uint8Array.of(V), MalformedInputError],
    [
      'version 1 (before compare confirms)',
      Uint8Array.of(1, 1, 1, ...new Uint8Array(96)),
      UnsupportedVersionError,
    ],
    ['version 3', Uint8Array.of(3, 1, 1), UnsupportedVersionError],
    ['version 0', Uint8Array.of(0, 1), UnsupportedVersionError],
    ['unknown type', Uint8Array.of(V, 9), MalformedInputError],
    ['confirm outside compare mode', Uint8Array.of(V, 5, ...new Uint8Array(32)), MalformedInputError],
    ['unknown mode', Uint8Array.of(V, 1, 7, ...new Uint8Array(96)), MalformedInputError],
    ['truncated hello', Uint8Array.of(V, 1, 1, ...new Uint8Array(95)), MalformedInputError],
    ['hello with trailing byte', Uint8Array.of(V, 1, 1, ...new Uint8Array(97)), MalformedInputError],
    ['abort with unknown reason', Uint8Array.of(V, 4, 9), MalformedInputError],
    ['abort', encodePairingAbort(), PairingFailedError],
  ];
  it.each(hostile)('hostile input to a responder: %s', (_name, bytes, error) => {
    const { rb } = pair(PIN);
    expect(() => rb.receive(bytes)).toThrow(error);
    expect(rb.state).toBe('failed');
  });

  it('a hello with an identity key that is not a curve point is malformed', () => {
    const { ia, rb } = pair(PIN);
    const m1 = ia.start();
    m1.fill(0xff, 35, 67);
    expect(() => rb.receive(m1)).toThrow(MalformedInputError);
  });

  it('validates its init', () => {
    const a = side();
    const base = { role: 'initiator', ...a, sessionId: SID } as const;
    expect(() => createPairing({ ...base, mode: { kind: 'pin', pin: '123456' } })).toThrow(WeakPinError);
    expect(() => createPairing({ ...base, mode: { kind: 'pin', pin: '12a456' } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createPairing({ ...base, mode: { kind: 'secret', secret: new Uint8Array(11) } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createPairing({ ...base, mode: PIN, sessionId: new Uint8Array(7) })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createPairing({ ...base, mode: PIN, fingerprint: new Uint8Array(20) })).toThrow(
      InvalidArgumentError,
    );
  });

  it('reports the outcome to attempt hooks exactly once', () => {
    const log: string[] = [];
    const hooks = { recordSuccess: () => log.push('ok'), recordFailure: () => log.push('fail') };
    const a = side();
    const b = side();
    const ia = createPairing({ role: 'initiator', ...a, mode: PIN, sessionId: SID });
    const rb = createPairing({ role: 'responder', ...b, mode: PIN, sessionId: SID, attempt: hooks });
    rb.receive(ia.receive(rb.receive(ia.start()).send as Uint8Array).send as Uint8Array);
    rb.abort();
    const r2 = createPairing({ role: 'responder', ...b, mode: PIN, sessionId: SID, attempt: hooks });
    expect(() => r2.receive(new Uint8Array(0))).toThrow(MalformedInputError);
    r2.abort();
    expect(log).toEqual(['ok', 'fail']);
  });

  it('costs a few milliseconds per side for a full PIN pairing', () => {
    const runs = 20;
    let ti = 0;
    let tr = 0;
    for (let i = 0; i < runs; i++) {
      const a = side();
      const b = side();
      let t = performance.now();
      const ia = createPairing({ role: 'initiator', ...a, mode: PIN, sessionId: SID });
      const m1 = ia.start();
      ti += performance.now() - t;
      t = performance.now();
      const rb = createPairing({ role: 'responder', ...b, mode: PIN, sessionId: SID });
      const m2 = rb.receive(m1).send as Uint8Array;
      tr += performance.now() - t;
      t = performance.now();
      const m3 = ia.receive(m2).send as Uint8Array;
      ti += performance.now() - t;
      t = performance.now();
      rb.receive(m3);
      tr += performance.now() - t;
    }
    console.log(
      `pairing cost per side: initiator ${(ti / runs).toFixed(2)} ms, responder ${(tr / runs).toFixed(2)} ms`,
    );
    expect(ti / runs).toBeLessThan(100);
  });
});
