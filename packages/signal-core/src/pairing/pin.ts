/**
 * Pairing secrets: short PINs shown on a screen and high-entropy secrets carried in a QR code.
 * PIN digits are drawn from the CSPRNG by rejection sampling (a byte ≥ 250 is redrawn, so `b % 10`
 * has no modulo bias), and guessable PINs are refused both when generated and when a user picks one.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { InvalidArgumentError, MalformedInputError, WeakPinError } from '../errors.js';

/** Default PIN length. */
export const DEFAULT_PIN_LENGTH = 6;
/** Shortest PIN accepted. */
export const MIN_PIN_LENGTH = 4;
/** Longest PIN accepted. */
export const MAX_PIN_LENGTH = 12;
/** Length of a generated QR pairing secret in bytes (128 bits; at least 96 are required). */
export const PAIRING_SECRET_BYTES = 16;
/** Shortest pairing secret accepted, in bytes (96 bits). */
export const MIN_PAIRING_SECRET_BYTES = 12;
/** Longest pairing secret accepted, in bytes. */
export const MAX_PAIRING_SECRET_BYTES = 64;

/** A source of random bytes; tests inject a seeded one, production uses `crypto.getRandomValues`. */
export type RandomSource = (length: number) => Uint8Array;

/**
 * True when a digit string is trivial: (1) periodic with a block of at most 3 digits repeated at
 * least twice (`111111`, `121212`, `123123`, `1212`), or (2) a run stepping +1 or −1 modulo 10,
 * wrapping around (`123456`, `012345`, `890123`, `654321`, `210987`).
 */
export function isTrivialPin(pin: string): boolean {
  const d = Array.from(pin, (c) => c.charCodeAt(0) - 48);
  for (let p = 1; p <= Math.min(3, Math.floor(d.length / 2)); p++) {
    if (d.every((x, i) => i < p || x === d[i - p])) return true;
  }
  for (const step of [1, 9]) {
    if (d.every((x, i) => i === 0 || x === ((d[i - 1] as number) + step) % 10)) return true;
  }
  return false;
}

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < MIN_PIN_LENGTH || length > MAX_PIN_LENGTH)
    throw new InvalidArgumentError(`PIN length must be ${MIN_PIN_LENGTH}..${MAX_PIN_LENGTH}`);
}

/** Check a user-supplied PIN: digits only, 4–12 long (`InvalidArgumentError`), not trivial (`WeakPinError`). */
export function assertUsablePin(pin: string): void {
  if (!/^[0-9]*$/.test(pin)) throw new InvalidArgumentError('PIN must contain only the digits 0-9');
  checkLength(pin.length);
  if (isTrivialPin(pin)) throw new WeakPinError('PIN is trivial to guess (repeated digits or a run)');
}

/** A fresh uniformly random, non-trivial PIN of `length` digits (default 6). */
export function generatePin(length: number = DEFAULT_PIN_LENGTH, random: RandomSource = randomBytes): string {
  checkLength(length);
  for (;;) {
    let pin = '';
    while (pin.length < length) {
      for (const b of random(length)) {
        // 250 = 25 · 10: accepting only bytes below it makes every digit equally likely.
        if (b < 250 && pin.length < length) pin += String(b % 10);
      }
    }
    if (!isTrivialPin(pin)) return pin;
  }
}

/** A fresh 128-bit secret for QR pairing. */
export function generatePairingSecret(random: RandomSource = randomBytes): Uint8Array {
  return random(PAIRING_SECRET_BYTES);
}

/** Throws `InvalidArgumentError` unless `secret` is 12–64 bytes. */
export function assertUsableSecret(secret: Uint8Array): void {
  if (secret.length < MIN_PAIRING_SECRET_BYTES || secret.length > MAX_PAIRING_SECRET_BYTES)
    throw new InvalidArgumentError(
      `pairing secret must be ${MIN_PAIRING_SECRET_BYTES}..${MAX_PAIRING_SECRET_BYTES} bytes`,
    );
}

// RFC 4648 §6 uppercase base32: every character is in the QR alphanumeric set (ISO/IEC 18004 §7.4.4),
// so a 16-byte secret costs 26 characters at 5.5 bits each.
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Encode a pairing secret as uppercase base32 without padding (QR alphanumeric mode). */
export function encodePairingSecret(secret: Uint8Array): string {
  assertUsableSecret(secret);
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of secret) {
    acc = ((acc << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32.charAt((acc >> bits) & 31);
    }
  }
  if (bits > 0) out += B32.charAt((acc << (5 - bits)) & 31);
  return out;
}

/** Decode `encodePairingSecret` output (case-insensitive); throws `MalformedInputError`. */
export function decodePairingSecret(text: string): Uint8Array {
  const upper = text.toUpperCase();
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of upper) {
    const v = B32.indexOf(ch);
    if (v < 0) throw new MalformedInputError('pairing secret is not base32');
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero and fewer than 5, or two texts would decode to the same secret.
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0)
    throw new MalformedInputError('pairing secret has a non-canonical ending');
  const secret = Uint8Array.from(out);
  if (secret.length < MIN_PAIRING_SECRET_BYTES || secret.length > MAX_PAIRING_SECRET_BYTES)
    throw new MalformedInputError('pairing secret has the wrong length');
  return secret;
}
