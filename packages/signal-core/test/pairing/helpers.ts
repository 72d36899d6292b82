import { sha256 } from '@noble/hashes/sha2.js';
import { createIdentity, type Identity } from '../../src/identity/identity.js';
import { createPairing, type Pairing, type PairingMode } from '../../src/pairing/pairing.js';

/** One side's inputs. */
export interface Side {
  identity: Identity;
  fingerprint: Uint8Array;
}

export function side(): Side {
  const identity = createIdentity();
  return { identity, fingerprint: sha256(identity.publicKey) };
}

export const SID = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

export function pair(
  modeA: PairingMode,
  modeB: PairingMode = modeA,
  a: Side = side(),
  b: Side = side(),
): { a: Side; b: Side; ia: Pairing; rb: Pairing } {
  const ia = createPairing({ role: 'initiator', ...a, mode: modeA, sessionId: SID });
  const rb = createPairing({ role: 'responder', ...b, mode: modeB, sessionId: SID });
  return { a, b, ia, rb };
}

/** Run `fn`, return what it threw (or undefined): assertions stay outside any catch. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Deterministic byte source for seeded statistical tests (SHA-256 in counter mode). */
export function seededRandom(seed: number): (n: number) => Uint8Array {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (pool.length === 0)
        pool = sha256(
          Uint8Array.of(seed & 0xff, seed >> 8, counter & 0xff, (counter++ >> 8) & 0xff, counter >> 16),
        );
      out[i] = pool[0] as number;
      pool = pool.subarray(1);
    }
    return out;
  };
}
