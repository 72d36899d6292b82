/**
 * node-agent's OpenSSL Ed25519 backend for signal-core: active once node-agent is loaded, the same
 * signature bytes as the pure-JS default (Ed25519 is deterministic), and the same verdicts on
 * genuine, altered and malformed signatures.
 */
import { randomBytes } from 'node:crypto';
import { createIdentity, InvalidKeyError, identityFromSecretKey } from '@lanrtc/signal-core';
import {
  ed25519Backend,
  NOBLE_ED25519,
  signWithDomain,
  verifyWithDomain,
} from '@lanrtc/signal-core/protocol';
import { describe, expect, it } from 'vitest';
import { NODE_ED25519 } from '../../src/index.js';

/** The group order L (RFC 8032 §5.1): S + L is the same scalar, a non-canonical S. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function withNonCanonicalS(signature: Uint8Array): Uint8Array {
  const s = signature.slice(32);
  let n = 0n;
  for (let i = 31; i >= 0; i--) n = (n << 8n) | BigInt(s[i] as number);
  n += L;
  const out = signature.slice();
  for (let i = 0; i < 32; i++) {
    out[32 + i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

describe('native Ed25519 backend (node:crypto)', () => {
  it('is what signal-core uses once node-agent is loaded, and the identity API goes through it', () => {
    expect(ed25519Backend()).toBe(NODE_ED25519);
    const id = createIdentity();
    const signature = signWithDomain(id, 'lanrtc/test/v1', new Uint8Array([1, 2, 3]));
    expect(NOBLE_ED25519.verify(signature, concatDomain('lanrtc/test/v1', [1, 2, 3]), id.publicKey)).toBe(
      true,
    );
    expect(verifyWithDomain(id.publicKey, 'lanrtc/test/v1', new Uint8Array([1, 2, 3]), signature)).toBe(true);
    expect(verifyWithDomain(id.publicKey, 'lanrtc/test/v2', new Uint8Array([1, 2, 3]), signature)).toBe(
      false,
    );
  });

  it('makes the same signatures as noble and agrees on every verdict', () => {
    for (let round = 0; round < 40; round++) {
      const seed = new Uint8Array(randomBytes(32));
      const publicKey = identityFromSecretKey(seed).publicKey;
      const message = new Uint8Array(randomBytes(round * 7));
      const signature = NODE_ED25519.sign(message, seed);
      expect(signature).toEqual(NOBLE_ED25519.sign(message, seed));
      const altered = message.length > 0 ? message.map((b, i) => (i === 0 ? b ^ 1 : b)) : new Uint8Array([0]);
      const badSignature = signature.map((b, i) => (i === 63 ? b ^ 0x40 : b));
      const otherKey = identityFromSecretKey(new Uint8Array(randomBytes(32))).publicKey;
      const cases: [string, Uint8Array, Uint8Array, Uint8Array][] = [
        ['genuine', signature, message, publicKey],
        ['altered message', signature, altered, publicKey],
        ['altered signature', badSignature, message, publicKey],
        ['other key', signature, message, otherKey],
        ['non-canonical S', withNonCanonicalS(signature), message, publicKey],
        ['short signature', signature.slice(0, 63), message, publicKey],
        ['short key', signature, message, publicKey.slice(0, 31)],
        ['key not on the curve', signature, message, new Uint8Array(32).fill(0xff)],
      ];
      for (const [what, sig, msg, key] of cases) {
        const verdicts = {
          what,
          node: NODE_ED25519.verify(sig, msg, key),
          noble: NOBLE_ED25519.verify(sig, msg, key),
        };
        expect(verdicts).toEqual({ what, node: what === 'genuine', noble: what === 'genuine' });
      }
    }
  });

  it('refuses a secret key of the wrong length when signing', () => {
    expect(() => NODE_ED25519.sign(new Uint8Array([1]), new Uint8Array(31))).toThrow(InvalidKeyError);
  });
});

function concatDomain(domain: string, bytes: number[]): Uint8Array {
  return new Uint8Array([...Buffer.from(domain, 'utf8'), 0, ...bytes]);
}
