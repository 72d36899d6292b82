import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/exports/codec.js';
import { assertSignature, signWithDomain, verifyWithDomain } from '../../src/exports/protocol.js';
import {
  createIdentity,
  exportIdentity,
  InvalidKeyError,
  InvalidSignatureError,
  identityFromSecretKey,
  importIdentity,
  MalformedInputError,
  publicIdentity,
  UnsupportedVersionError,
} from '../../src/index.js';
import vectors from '../vectors/identity.json' with { type: 'json' };

describe('identity', () => {
  it('matches the RFC 8032 §7.1 TEST 1 key pair and derives a 26-char base32 id', () => {
    const v = vectors.rfc8032_test1;
    const id = identityFromSecretKey(Uint8Array.from(Buffer.from(v.secretKey, 'hex')));
    expect(toHex(id.publicKey)).toBe(v.publicKey);
    expect(id.id).toBe(v.id);
    expect(id.id).toMatch(/^[a-z2-7]{26}$/);
  });

  it('signs with domain separation: a signature for one domain fails for another', () => {
    const me = createIdentity();
    const msg = utf8('hello');
    const sig = signWithDomain(me, 'lanrtc/test/a/v1', msg);
    expect(verifyWithDomain(me.publicKey, 'lanrtc/test/a/v1', msg, sig)).toBe(true);
    expect(verifyWithDomain(me.publicKey, 'lanrtc/test/b/v1', msg, sig)).toBe(false);
    expect(verifyWithDomain(me.publicKey, 'lanrtc/test/a/v1', utf8('hellp'), sig)).toBe(false);
    expect(verifyWithDomain(createIdentity().publicKey, 'lanrtc/test/a/v1', msg, sig)).toBe(false);
    expect(() => assertSignature(me.publicKey, 'lanrtc/test/b/v1', msg, sig, 'test')).toThrow(
      InvalidSignatureError,
    );
  });

  it('round-trips through export/import and rejects bad stored forms with specific errors', () => {
    const me = createIdentity();
    const back = importIdentity(exportIdentity(me));
    expect(back.id).toBe(me.id);
    expect(toHex(back.secretKey)).toBe(toHex(me.secretKey));
    expect(() => importIdentity('!!!')).toThrow(MalformedInputError);
    expect(() => importIdentity('')).toThrow(MalformedInputError);
    expect(() => importIdentity(exportIdentity(me).slice(0, 20))).toThrow(MalformedInputError);
    expect(() => importIdentity('Ag')).toThrow(UnsupportedVersionError);
  });

  it('rejects public keys that are not curve points', () => {
    expect(() => publicIdentity(new Uint8Array(31))).toThrow(InvalidKeyError);
    const notOnCurve = new Uint8Array(32);
    notOnCurve[0] = 2; // y = 2 has no matching x on edwards25519
    expect(() => publicIdentity(notOnCurve)).toThrow(InvalidKeyError);
    expect(() => publicIdentity(new Uint8Array(32).fill(0xff))).toThrow(InvalidKeyError); // y >= p: non-canonical
    const neutral = new Uint8Array(32);
    neutral[0] = 1; // the neutral element: small order
    expect(() => publicIdentity(neutral)).toThrow(InvalidKeyError);
    const good = createIdentity();
    expect(publicIdentity(good.publicKey).id).toBe(good.id);
  });
});
