import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex, utf8 } from '../../src/encoding/bytes.js';
import {
  MalformedInputError,
  PairingFailedError,
  PairingStateError,
  UnsupportedVersionError,
} from '../../src/errors.js';
import { signWithDomain } from '../../src/identity/identity.js';
import { lvCat } from '../../src/pairing/cpace.js';
import { PAIRING_CONFIRM_DOMAIN } from '../../src/pairing/pairing.js';
import { pair, SID, type Side, side, thrown } from './helpers.js';

const COMPARE = { kind: 'compare' } as const;

/** Run the first three messages: both sides show the digits, no user has decided. */
function run(a?: Side, b?: Side) {
  const p = pair(COMPARE, COMPARE, a, b);
  const s2 = p.ia.receive(p.rb.receive(p.ia.start()).send as Uint8Array);
  const s3 = p.rb.receive(s2.send as Uint8Array);
  expect(s3.compare).toBe(s2.compare);
  return p;
}

describe('pairing (numeric comparison)', () => {
  it('both sides show the same 6 digits and, once both users confirm, share a key', () => {
    const { a, b, ia, rb } = pair(COMPARE);
    const m1 = ia.start();
    expect(m1.length).toBe(99);
    const s1 = rb.receive(m1);
    expect(s1.compare).toBeUndefined(); // B must not see digits before A reveals
    expect(s1.send?.length).toBe(194);
    const s2 = ia.receive(s1.send as Uint8Array);
    expect(s2.send?.length).toBe(130);
    expect(s2.result).toBeUndefined();
    expect(s2.compare).toMatch(/^[0-9]{6}$/);
    const s3 = rb.receive(s2.send as Uint8Array);
    expect(s3.compare).toBe(s2.compare);
    expect(ia.state).toBe('comparing');
    // A's user says yes first: A sends its confirm but has no result until B's user has said yes too.
    const ca = ia.confirm(true);
    expect(ca.result).toBeUndefined();
    expect(ca.send?.length).toBe(34);
    expect(ia.state).toBe('confirming');
    const rIn = rb.receive(ca.send as Uint8Array);
    expect(rIn).toEqual({}); // B's user has not decided: nothing yet
    expect(rb.state).toBe('comparing');
    const cb = rb.confirm(true); // B now knows both said yes
    const rr = cb.result;
    expect(rb.state).toBe('done');
    const ra = ia.receive(cb.send as Uint8Array).result;
    expect(ia.state).toBe('done');
    expect(ra?.peer.id).toBe(b.identity.id);
    expect(rr?.peer.id).toBe(a.identity.id);
    expect(toHex(ra?.peerFingerprint as Uint8Array)).toBe(toHex(b.fingerprint));
    expect(toHex(rr?.peerFingerprint as Uint8Array)).toBe(toHex(a.fingerprint));
    expect(ra?.sessionKey.length).toBe(32);
    expect(toHex(ra?.sessionKey as Uint8Array)).toBe(toHex(rr?.sessionKey as Uint8Array));
    expect(() => ia.confirm(true)).toThrow(PairingStateError);
  });

  it('neither side has a result before both confirms, in either order', () => {
    const { ia, rb } = run();
    const cb = rb.confirm(true); // the responder's user is quicker this time
    expect(cb.result).toBeUndefined();
    expect(rb.state).toBe('confirming');
    expect(ia.receive(cb.send as Uint8Array).result).toBeUndefined();
    const ca = ia.confirm(true);
    expect(ca.result).toBeDefined();
    expect(rb.receive(ca.send as Uint8Array).result).toBeDefined();
  });

  it('a no on either side gives neither side a result, and its abort fails the other', () => {
    for (const saysNo of ['initiator', 'responder'] as const) {
      const { ia, rb } = run();
      const [no, yes] = saysNo === 'initiator' ? [ia, rb] : [rb, ia];
      const yesConfirm = yes.confirm(true); // the other user has already said yes
      expect(yesConfirm.result).toBeUndefined();
      expect(no.receive(yesConfirm.send as Uint8Array).result).toBeUndefined();
      const out = no.confirm(false);
      expect(out.result).toBeUndefined();
      expect(no.state).toBe('failed');
      expect(() => yes.receive(out.send as Uint8Array)).toThrow(PairingFailedError);
      expect(yes.state).toBe('failed');
    }
  });

  it('rejects a forged, reflected, replayed or duplicated confirm', () => {
    const forged = run();
    const c = forged.ia.confirm(true).send as Uint8Array;
    c[10] = (c[10] as number) ^ 0x01;
    expect(() => forged.rb.receive(c)).toThrow(PairingFailedError);
    expect(forged.rb.state).toBe('failed');

    const reflected = run(); // A's own confirm sent back to A
    const own = reflected.ia.confirm(true).send as Uint8Array;
    expect(() => reflected.ia.receive(own)).toThrow(PairingFailedError);

    // The same two identities pair again (same session id even): the old confirm does not fit.
    const first = run();
    const old = first.ia.confirm(true).send as Uint8Array;
    const second = run(first.a, first.b);
    expect(() => second.rb.receive(old)).toThrow(PairingFailedError);
    expect(second.rb.state).toBe('failed');

    const dup = run();
    const once = dup.ia.confirm(true).send as Uint8Array;
    dup.rb.receive(once);
    expect(() => dup.rb.receive(once)).toThrow(PairingStateError);
    expect(dup.rb.state).toBe('failed');
  });

  it('a confirm before the digits is out of order', () => {
    const { ia, rb } = pair(COMPARE);
    const m2 = rb.receive(ia.start()).send as Uint8Array;
    // B has not seen the reveal: any confirm now is out of order (and A cannot confirm yet either).
    expect(() => ia.confirm(true)).toThrow(PairingStateError);
    ia.receive(m2);
    const early = ia.confirm(true).send as Uint8Array;
    expect(() => rb.receive(early)).toThrow(PairingStateError);
  });

  it('refuses a version 1 peer (compare without confirms) with UnsupportedVersionError', () => {
    const { ia, rb } = pair(COMPARE);
    const hello = ia.start();
    hello[0] = 1;
    const err = thrown(() => rb.receive(hello)) as Error;
    expect(err).toBeInstanceOf(UnsupportedVersionError);
    expect(err.message).toBe('pairing version 1 is not supported (this side speaks version 2)');
  });

  it('a reveal changed on the wire (nonce or share) fails the responder', () => {
    for (const at of [2, 40]) {
      const { ia, rb } = pair(COMPARE);
      const m3 = (ia.receive(rb.receive(ia.start()).send as Uint8Array).send as Uint8Array).slice();
      m3[at] = (m3[at] as number) ^ 0x01;
      expect(() => rb.receive(m3)).toThrow(PairingFailedError);
    }
  });

  it('catches a malicious initiator that re-signs a changed nonce after seeing nonceB', () => {
    // The initiator is the attacker here: it holds its key, so it can sign any reveal it likes.
    // Only the commitment in the hello stops it from choosing nonceA after learning nonceB.
    const { a, b, ia, rb } = pair(COMPARE);
    const m1 = ia.start();
    const m2 = rb.receive(m1).send as Uint8Array;
    const honest = ia.receive(m2).send as Uint8Array;
    const xa = honest.slice(2, 34);
    const nonceA = honest.slice(34, 66);
    nonceA[0] = (nonceA[0] as number) ^ 0x80;
    const th = sha512(
      lvCat(
        utf8('lanrtc/pairing/transcript/v1'),
        SID,
        lvCat(utf8('lanrtc/pairing/v2'), Uint8Array.of(3)),
        m1.slice(3, 35),
        a.identity.publicKey,
        a.fingerprint,
        m2.slice(2, 34),
        m2.slice(34, 66),
        b.identity.publicKey,
        b.fingerprint,
        xa,
        nonceA,
      ),
    );
    const sig = signWithDomain(a.identity, PAIRING_CONFIRM_DOMAIN, concatBytes(Uint8Array.of(0x41), th));
    expect(() => rb.receive(concatBytes(Uint8Array.of(2, 3), xa, nonceA, sig))).toThrow(PairingFailedError);
  });

  it('a man in the middle running one session with each side makes the two screens differ', () => {
    // Mallory is the responder for A and the initiator for B; each session's digits commit to its
    // own transcript, so the screens agree only by a 1-in-10^6 chance.
    const a = side();
    const b = side();
    const mallory = side();
    const withA = pair(COMPARE, COMPARE, a, mallory);
    const withB = pair(COMPARE, COMPARE, mallory, b);
    const shownByA = withA.ia.receive(withA.rb.receive(withA.ia.start()).send as Uint8Array).compare;
    const m2 = withB.rb.receive(withB.ia.start()).send as Uint8Array;
    const shownByB = withB.rb.receive(withB.ia.receive(m2).send as Uint8Array).compare;
    expect(shownByA).toMatch(/^[0-9]{6}$/);
    expect(shownByB).toMatch(/^[0-9]{6}$/);
    expect(shownByB).not.toBe(shownByA);
  });

  it('a swapped response nonce or identity fails the initiator (signed by the responder)', () => {
    for (const at of [40, 70, 100]) {
      const { ia, rb } = pair(COMPARE);
      const m2 = (rb.receive(ia.start()).send as Uint8Array).slice();
      m2[at] = (m2[at] as number) ^ 0x01;
      const err = thrown(() => ia.receive(m2));
      expect([PairingFailedError.code, MalformedInputError.code]).toContain((err as Error).name);
      expect(ia.state).toBe('failed');
    }
  });

  it('shows digits that spread over the range (300 runs, loose bounds)', () => {
    const seen = new Set<string>();
    let low = 0;
    for (let i = 0; i < 300; i++) {
      const { ia, rb } = pair(COMPARE);
      const d = ia.receive(rb.receive(ia.start()).send as Uint8Array).compare as string;
      seen.add(d);
      if (Number(d) < 500_000) low++;
    }
    expect(seen.size).toBeGreaterThan(290);
    expect(low).toBeGreaterThan(105);
    expect(low).toBeLessThan(195);
  });
});
