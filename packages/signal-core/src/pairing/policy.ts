/**
 * Attempt policy for the side that shows the PIN (the device). It bounds online guessing, the only
 * attack a PAKE leaves open: one attempt in flight at a time, ended as a failure after
 * `attemptTimeoutMs` (the steps after the hello run at machine speed); a lockout with exponential
 * backoff after `maxFailures` failures inside `windowMs`; and at most `maxFailuresPerDay` failures in
 * any 24 h, after which PIN attempts are refused until the oldest of them is a day old. A guesser
 * therefore wins with probability at most `maxFailuresPerDay / 998 890` per day with 6-digit PINs.
 *
 * The PIN rotates on expiry and after a success, not after a failure: with guesses capped, a fresh
 * PIN per guess changes the guesser's odds by nothing measurable (k guesses without replacement win
 * with k/N, with replacement with 1 − (1 − 1/N)^k ≈ k/N), while it would turn the PIN a user is
 * reading into a wrong one every time someone else guesses. The lock only ever refuses PIN attempts:
 * QR-secret and compare pairing never pass through this policy. The clock is injectable for tests.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { PairingExpiredError, PairingLockedError } from '../errors.js';
import type { PairingAttemptHooks, PairingMode } from './pairing.js';
import { DEFAULT_PIN_LENGTH, generatePin, type RandomSource } from './pin.js';

/**
 * How long the device waits for each pairing step after the initiator's hello (ms): the user typed
 * the PIN before the hello was sent, so the rest is machine speed on a LAN.
 */
export const PAIRING_STEP_DEADLINE_MS = 5_000;

const DAY_MS = 24 * 60 * 60_000;

/** Options of `createAttemptPolicy`; every field has a default. */
export interface AttemptPolicyInit {
  /** Failures inside one window that trigger a lockout (default 5). */
  readonly maxFailures?: number;
  /** How long a failure counts towards `maxFailures` (default 10 min). */
  readonly windowMs?: number;
  /** First lockout (default 30 s); each further lockout doubles it until a success. */
  readonly lockoutMs?: number;
  /** Longest lockout (default 1 h). */
  readonly maxLockoutMs?: number;
  /** Failures in any 24 h after which PIN attempts are refused until the oldest is a day old (default 20; a success does not reset it). */
  readonly maxFailuresPerDay?: number;
  /** How long a shown PIN stays valid (default 5 min). */
  readonly pinTtlMs?: number;
  /** An attempt not finished after this long counts as failed and frees the slot (default `PAIRING_STEP_DEADLINE_MS`). */
  readonly attemptTimeoutMs?: number;
  /** Digits per PIN (default 6). */
  readonly pinLength?: number;
  /** Called with every new PIN so the device can show it. */
  readonly onPinChange?: (pin: string, expiresAt: number) => void;
  /** Called after every failure, lockout or success, so the device can show that someone is guessing. */
  readonly onStateChange?: (state: AttemptPolicyState) => void;
  readonly now?: () => number;
  readonly random?: RandomSource;
}

/** What the device can tell its user about guessing (clock ms throughout). */
export interface AttemptPolicyState {
  /** Failed PIN attempts since the policy was created. */
  readonly failures: number;
  /** Failed PIN attempts in the last 24 h (what `maxFailuresPerDay` caps). */
  readonly failuresToday: number;
  /** When the last failure happened (0 if none). */
  readonly lastFailureAt: number;
  /** Until when PIN attempts are refused (0 or past when open). */
  readonly lockedUntil: number;
  /** Why PIN attempts are refused now: a backoff lockout, the daily cap, or not at all. */
  readonly locked: 'backoff' | 'daily-limit' | undefined;
}

/** The showing side's guard; pass it as `createPairing({ attempt })` or call `record*` yourself (not both). */
export interface AttemptPolicy {
  /**
   * Begin an attempt and get its own outcome hooks (`createPairing({ attempt })`): throws
   * `PairingLockedError` (locked, or one in flight) or `PairingExpiredError`. Outcomes reported
   * after the attempt timed out (already counted as a failure) change nothing but the PIN after a success.
   */
  begin(): PairingAttemptHooks;
  /** `begin()` for callers that report through `recordFailure` / `recordSuccess` below. */
  assertAllowed(): void;
  /** End the attempt in flight (or one not begun) as failed; enough failures lock. The PIN stays. */
  recordFailure(): void;
  /** End the attempt in flight as paired: the backoff resets (not the daily count), the PIN rotates. */
  recordSuccess(): void;
  /** Milliseconds until a new attempt may begin (0 when open). */
  retryAfterMs(): number;
  /** Failures and lock, for the device's UI. */
  state(): AttemptPolicyState;
  /** The PIN to show now (a new one after expiry or a success). */
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
  const maxPerDay = init.maxFailuresPerDay ?? 20;
  const pinTtlMs = init.pinTtlMs ?? 5 * 60_000;
  const attemptTimeoutMs = init.attemptTimeoutMs ?? PAIRING_STEP_DEADLINE_MS;
  const pinLength = init.pinLength ?? DEFAULT_PIN_LENGTH;
  const now = init.now ?? Date.now;
  const random = init.random ?? randomBytes;

  let failures: number[] = [];
  /** Failure times of the last 24 h, oldest first (at most `maxPerDay` are needed). */
  let daily: number[] = [];
  let total = 0;
  let lockouts = 0;
  let backoffUntil = 0;
  /** The attempt in flight: its token and start. */
  let inFlight: { readonly token: object; readonly since: number } | undefined;
  let pin = '';
  let expiresAt = 0;

  const rotate = (): void => {
    pin = generatePin(pinLength, random);
    expiresAt = now() + pinTtlMs;
    init.onPinChange?.(pin, expiresAt);
  };
  const dailyUntil = (): number => (daily.length >= maxPerDay ? (daily[0] as number) + DAY_MS : 0);
  const state = (): AttemptPolicyState => {
    const t = now();
    const cap = dailyUntil();
    const lockedUntil = Math.max(cap, backoffUntil);
    return {
      failures: total,
      failuresToday: daily.length,
      lastFailureAt: daily.at(-1) ?? 0,
      lockedUntil,
      locked: cap > t ? 'daily-limit' : backoffUntil > t ? 'backoff' : undefined,
    };
  };
  const failure = (): void => {
    inFlight = undefined;
    const t = now();
    failures.push(t);
    daily.push(t);
    if (daily.length > maxPerDay) daily.shift();
    total++;
    if (failures.length >= maxFailures) {
      backoffUntil = t + Math.min(maxLockoutMs, lockoutMs * 2 ** lockouts);
      lockouts++;
      // The window reopens empty after the lockout; `lockouts` keeps the backoff growing.
      failures = [];
    }
    init.onStateChange?.(state());
  };
  const success = (): void => {
    inFlight = undefined;
    failures = [];
    lockouts = 0;
    backoffUntil = 0;
    rotate();
    init.onStateChange?.(state());
  };
  const tidy = (): void => {
    // An attempt the peer abandoned (e.g. it learned from our response that its guess was wrong
    // and never sent `finish`) is a failure too, or guessing would be free; it ends after one step
    // deadline, so a stalled attempt cannot hold the slot.
    if (inFlight !== undefined && now() - inFlight.since >= attemptTimeoutMs) failure();
    const t = now();
    failures = failures.filter((f) => t - f < windowMs);
    daily = daily.filter((f) => t - f < DAY_MS);
  };
  const currentPin = (): string => {
    tidy();
    if (now() >= expiresAt) rotate();
    return pin;
  };
  const begin = (): PairingAttemptHooks => {
    tidy();
    const t = now();
    const lockedUntil = Math.max(dailyUntil(), backoffUntil);
    if (lockedUntil > t) {
      throw new PairingLockedError('pairing by PIN is locked after repeated failures', lockedUntil - t);
    }
    if (inFlight !== undefined) {
      throw new PairingLockedError(
        'another pairing attempt is in progress',
        inFlight.since + attemptTimeoutMs - t,
      );
    }
    if (t >= expiresAt) {
      rotate();
      throw new PairingExpiredError('the PIN expired; a new one is shown');
    }
    const token = {};
    inFlight = { token, since: t };
    let ended = false;
    const end = (ok: boolean) => {
      if (ended) return;
      ended = true;
      tidy(); // counts this attempt as failed if it ran past its deadline
      if (inFlight?.token === token) {
        if (ok) success();
        else failure();
      } else if (ok) {
        // Finished after its deadline (already counted as failed): the PIN was used, so it goes.
        rotate();
      }
    };
    return { recordSuccess: () => end(true), recordFailure: () => end(false) };
  };
  let current: PairingAttemptHooks | undefined;
  rotate();

  return {
    begin,
    assertAllowed() {
      current = begin();
    },
    recordFailure() {
      const hooks = current;
      current = undefined;
      if (hooks) hooks.recordFailure();
      else failure();
    },
    recordSuccess() {
      const hooks = current;
      current = undefined;
      if (hooks) hooks.recordSuccess();
      else success();
    },
    retryAfterMs() {
      tidy();
      return Math.max(0, Math.max(dailyUntil(), backoffUntil) - now());
    },
    state() {
      tidy();
      return state();
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
