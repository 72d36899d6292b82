/**
 * Attempt policy for the side that shows the PIN (the device). It limits online guessing, the only
 * attack a PAKE leaves open: one attempt in flight at a time, a fresh PIN after every failed or
 * abandoned attempt, a lockout with exponential backoff after `maxFailures` failures inside
 * `windowMs`, and a PIN that expires after `pinTtlMs`. The clock is injectable for tests.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { PairingExpiredError, PairingLockedError } from '../errors.js';
import type { PairingMode } from './pairing.js';
import { DEFAULT_PIN_LENGTH, generatePin, type RandomSource } from './pin.js';

/** Options of `createAttemptPolicy`; every field has a default. */
export interface AttemptPolicyInit {
  /** Failures inside one window that trigger a lockout (default 5). */
  readonly maxFailures?: number;
  /** How long a failure counts (default 10 min). */
  readonly windowMs?: number;
  /** First lockout (default 30 s); each further lockout doubles it. */
  readonly lockoutMs?: number;
  /** Longest lockout (default 1 h). */
  readonly maxLockoutMs?: number;
  /** How long a shown PIN stays valid (default 5 min). */
  readonly pinTtlMs?: number;
  /** An attempt not finished after this long counts as failed (default 60 s). */
  readonly attemptTimeoutMs?: number;
  /** Digits per PIN (default 6). */
  readonly pinLength?: number;
  /** Called with every new PIN so the device can show it. */
  readonly onPinChange?: (pin: string, expiresAt: number) => void;
  readonly now?: () => number;
  readonly random?: RandomSource;
}

/** The showing side's guard; pass it as `createPairing({ attempt })` or call `record*` yourself (not both). */
export interface AttemptPolicy {
  /** Begin an attempt: throws `PairingLockedError` (locked, or one in flight) or `PairingExpiredError`. */
  assertAllowed(): void;
  /** End the attempt in flight as failed: the PIN rotates, and enough failures lock. */
  recordFailure(): void;
  /** End the attempt in flight as paired: failures and backoff reset, the PIN rotates. */
  recordSuccess(): void;
  /** Milliseconds until a new attempt may begin (0 when open). */
  retryAfterMs(): number;
  /** The PIN to show now (a new one after expiry or a failure). */
  pin(): string;
  /** When the current PIN expires (clock ms). */
  pinExpiresAt(): number;
  /** `{ kind: 'pin', pin: pin() }`, for `createPairing`. */
  mode(): PairingMode;
}

/** Create an attempt policy with the defaults above merged once. */
export function createAttemptPolicy(init: AttemptPolicyInit = {}): AttemptPolicy {
  const maxFailures = init.maxFailures ?? 5;
  const windowMs = init.windowMs ?? 10 * 60_000;
  const lockoutMs = init.lockoutMs ?? 30_000;
  const maxLockoutMs = init.maxLockoutMs ?? 60 * 60_000;
  const pinTtlMs = init.pinTtlMs ?? 5 * 60_000;
  const attemptTimeoutMs = init.attemptTimeoutMs ?? 60_000;
  const pinLength = init.pinLength ?? DEFAULT_PIN_LENGTH;
  const now = init.now ?? Date.now;
  const random = init.random ?? randomBytes;

  let failures: number[] = [];
  let lockouts = 0;
  let lockedUntil = 0;
  let inFlightSince: number | undefined;
  let pin = '';
  let expiresAt = 0;

  const rotate = (): void => {
    pin = generatePin(pinLength, random);
    expiresAt = now() + pinTtlMs;
    init.onPinChange?.(pin, expiresAt);
  };
  const failure = (): void => {
    inFlightSince = undefined;
    const t = now();
    failures.push(t);
    rotate();
    if (failures.length >= maxFailures) {
      lockedUntil = t + Math.min(maxLockoutMs, lockoutMs * 2 ** lockouts);
      lockouts++;
      // The window reopens empty after the lockout; `lockouts` keeps the backoff growing.
      failures = [];
    }
  };
  const tidy = (): void => {
    // An attempt the peer abandoned (e.g. it learned from our response that its guess was wrong
    // and never sent `finish`) is a failure too, or guessing would be free.
    if (inFlightSince !== undefined && now() - inFlightSince >= attemptTimeoutMs) failure();
    const t = now();
    failures = failures.filter((f) => t - f < windowMs);
  };
  const currentPin = (): string => {
    tidy();
    if (now() >= expiresAt) rotate();
    return pin;
  };
  rotate();

  return {
    assertAllowed() {
      tidy();
      const wait = lockedUntil - now();
      if (wait > 0) throw new PairingLockedError('pairing is locked after repeated failures', wait);
      if (inFlightSince !== undefined) {
        throw new PairingLockedError(
          'another pairing attempt is in progress',
          inFlightSince + attemptTimeoutMs - now(),
        );
      }
      if (now() >= expiresAt) {
        rotate();
        throw new PairingExpiredError('the PIN expired; a new one is shown');
      }
      inFlightSince = now();
    },
    recordFailure: failure,
    recordSuccess() {
      inFlightSince = undefined;
      failures = [];
      lockouts = 0;
      rotate();
    },
    retryAfterMs() {
      tidy();
      return Math.max(0, lockedUntil - now());
    },
    pin: currentPin,
    pinExpiresAt() {
      return expiresAt;
    },
    mode() {
      return { kind: 'pin', pin: currentPin() };
    },
  };
}
