import { describe, expect, it } from 'vitest';
import {
  type Ed25519Backend,
  ed25519Backend,
  NOBLE_ED25519,
  setEd25519Backend,
} from '../../src/identity/ed25519-backend.js';
import { createIdentity, signWithDomain, verifyWithDomain } from '../../src/identity/identity.js';

describe('Ed25519 backend', () => {
  it('defaults to noble; an installed backend signs and verifies for the identity API; undefined restores noble', () => {
    expect(ed25519Backend()).toBe(NOBLE_ED25519);
    const calls: string[] = [];
    const recording: Ed25519Backend = {
      name: 'recording',
      sign: (m, k) => {
        calls.push('sign');
        return NOBLE_ED25519.sign(m, k);
      },
      verify: (s, m, k) => {
        calls.push('verify');
        return NOBLE_ED25519.verify(s, m, k);
      },
    };
    const id = createIdentity();
    try {
      setEd25519Backend(recording);
      const signature = signWithDomain(id, 'lanrtc/test/v1', new Uint8Array([1]));
      expect(verifyWithDomain(id.publicKey, 'lanrtc/test/v1', new Uint8Array([1]), signature)).toBe(true);
      expect(calls).toEqual(['sign', 'verify']);
      // A backend that throws on verify counts as "does not verify", never as an exception.
      setEd25519Backend({
        ...recording,
        verify: () => {
          throw new Error('boom');
        },
      });
      expect(verifyWithDomain(id.publicKey, 'lanrtc/test/v1', new Uint8Array([1]), signature)).toBe(false);
    } finally {
      setEd25519Backend(undefined);
    }
    expect(ed25519Backend()).toBe(NOBLE_ED25519);
  });
});
