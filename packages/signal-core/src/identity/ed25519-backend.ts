/**
 * Where Ed25519 signing and verification run. By default @noble/curves (pure JS: it works in any
 * page, also an insecure one with no `crypto.subtle`). A platform with a native implementation —
 * Node's OpenSSL, ~20× faster — installs it with `setEd25519Backend`; node-agent does so itself.
 * Ed25519 is deterministic (RFC 8032), so every backend makes the same signature bytes; key
 * validation (strict, no small-order keys) stays in `publicIdentity` whatever the backend.
 */
import { ed25519 } from '@noble/curves/ed25519.js';

/** Sign and verify plain Ed25519 (RFC 8032, pure, no context). */
export interface Ed25519Backend {
  /** A short name for logs and benchmarks (`noble`, `node`). */
  readonly name: string;
  /** The 64-byte signature of `message` by the 32-byte secret key (seed). */
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** True when `signature` is `publicKey`'s signature of `message`; false (never a throw) otherwise. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

/** The pure-JS default. */
export const NOBLE_ED25519: Ed25519Backend = {
  name: 'noble',
  sign: (message, secretKey) => ed25519.sign(message, secretKey),
  verify(signature, message, publicKey) {
    try {
      return ed25519.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
};

let current: Ed25519Backend = NOBLE_ED25519;

/** Use `backend` for every later signature and verification (`undefined`: back to noble). */
export function setEd25519Backend(backend: Ed25519Backend | undefined): void {
  current = backend ?? NOBLE_ED25519;
}

/** The backend in use. */
export function ed25519Backend(): Ed25519Backend {
  return current;
}
