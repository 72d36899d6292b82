import { describe, expect, it } from 'vitest';
import { PairingExpiredError, PairingLockedError } from '../../src/errors.js';
import { createPairing } from '../../src/pairing/pairing.js';
import { isTrivialPin } from '../../src/pairing/pin.js';
import { createAttemptPolicy } from '../../src/pairing/policy.js';
import { SID, side, thrown } from './helpers.js';

function clock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('attempt policy', () => {
  it('locks after 5 failures with PairingLockedError carrying retryAfterMs, and backoff doubles', () => {
    const c = clock();
    const policy = createAttemptPolicy({ now: c.now, lockoutMs: 30_000 });
    for (let i = 0; i < 5; i++) {
      policy.assertAllowed();
      policy.recordFailure();
    }
    const first = thrown(() => policy.assertAllowed());
    expect(first).toBeInstanceOf(PairingLockedError);
    expect((first as PairingLockedError).retryAfterMs).toBe(30_000);
    expect(policy.retryAfterMs()).toBe(30_000);
    c.advance(29_999);
    expect(() => policy.assertAllowed()).toThrow(PairingLockedError);
    c.advance(1);
    expect(policy.retryAfterMs()).toBe(0);
    for (let i = 0; i < 5; i++) {
      policy.assertAllowed();
      policy.recordFailure();
    }
    expect((thrown(() => policy.assertAllowed()) as PairingLockedError).retryAfterMs).toBe(60_000);
    c.advance(60_000);
    for (let i = 0; i < 5; i++) {
      policy.assertAllowed();
      policy.recordFailure();
    }
    expect((thrown(() => policy.assertAllowed()) as PairingLockedError).retryAfterMs).toBe(120_000);
  });

  it('caps the backoff and resets it after a success', () => {
    const c = clock();
    const policy = createAttemptPolicy({ now: c.now, maxFailures: 1, lockoutMs: 1000, maxLockoutMs: 3000 });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      policy.assertAllowed();
      policy.recordFailure();
      waits.push(policy.retryAfterMs());
      c.advance(policy.retryAfterMs());
    }
    expect(waits).toEqual([1000, 2000, 3000, 3000]);
    policy.assertAllowed();
    policy.recordSuccess();
    policy.assertAllowed();
    policy.recordFailure();
    expect(policy.retryAfterMs()).toBe(1000);
  });

  it('forgets failures older than the window', () => {
    const c = clock();
    const policy = createAttemptPolicy({ now: c.now, windowMs: 60_000, pinTtlMs: 10 * 60_000 });
    for (let i = 0; i < 4; i++) {
      policy.assertAllowed();
      policy.recordFailure();
    }
    c.advance(60_000);
    policy.assertAllowed();
    policy.recordFailure(); // the 5th failure, but the first four have left the window
    expect(() => policy.assertAllowed()).not.toThrow();
  });

  it('shows a new PIN after every success, keeps it after a failure, never a trivial one', () => {
    const changes: string[] = [];
    const policy = createAttemptPolicy({ onPinChange: (pin) => changes.push(pin), maxFailures: 100 });
    const pins = [policy.pin()];
    for (let i = 0; i < 20; i++) {
      policy.assertAllowed();
      expect(policy.pin()).toBe(pins[pins.length - 1]); // stable during the attempt
      const before = policy.pin();
      if (i % 2) {
        policy.recordFailure();
        expect(policy.pin()).toBe(before); // someone else's wrong guess leaves the shown PIN alone
      } else {
        policy.recordSuccess();
        expect(policy.pin()).not.toBe(before);
      }
      if (policy.pin() !== pins[pins.length - 1]) pins.push(policy.pin());
    }
    expect(changes).toEqual(pins);
    for (const pin of pins) expect(isTrivialPin(pin)).toBe(false);
    expect(pins.length).toBe(11); // the first PIN and one per success
    expect(policy.mode()).toEqual({ kind: 'pin', pin: policy.pin() });
  });

  it('expires the PIN: a late attempt gets PairingExpiredError, not a counted failure', () => {
    const c = clock();
    const policy = createAttemptPolicy({ now: c.now, pinTtlMs: 120_000, maxFailures: 1 });
    const old = policy.pin();
    c.advance(120_000);
    expect(() => policy.assertAllowed()).toThrow(PairingExpiredError);
    expect(policy.pin()).not.toBe(old);
    expect(policy.pinExpiresAt()).toBe(c.now() + 120_000);
    expect(() => policy.assertAllowed()).not.toThrow(); // nothing was counted
  });

  it('allows one attempt in flight and counts an abandoned one as a failure', () => {
    const c = clock();
    const policy = createAttemptPolicy({ now: c.now, attemptTimeoutMs: 10_000, maxFailures: 2 });
    const pin = policy.pin();
    policy.assertAllowed();
    const busy = thrown(() => policy.assertAllowed());
    expect(busy).toBeInstanceOf(PairingLockedError);
    expect((busy as PairingLockedError).retryAfterMs).toBe(10_000);
    c.advance(10_000);
    policy.assertAllowed(); // the abandoned attempt became failure #1; the PIN stays
    expect(policy.pin()).toBe(pin);
    c.advance(10_000);
    expect(() => policy.assertAllowed()).toThrow(PairingLockedError); // failure #2 → locked
  });

  it('drives a device-side pairing: wrong PINs lock without rotating the PIN, the right one pairs', () => {
    const c = clock();
    const device = side();
    const phone = side();
    const policy = createAttemptPolicy({ now: c.now });
    const run = (typed: string) => {
      policy.assertAllowed();
      const rb = createPairing({
        role: 'responder',
        ...device,
        mode: policy.mode(),
        sessionId: SID,
        attempt: policy,
      });
      const ia = createPairing({
        role: 'initiator',
        ...phone,
        mode: { kind: 'pin', pin: typed },
        sessionId: SID,
      });
      const m2 = rb.receive(ia.start()).send as Uint8Array;
      const err = thrown(() => ia.receive(m2));
      if (err) rb.receive(ia.abort());
    };
    const shown = policy.pin();
    expect(thrown(() => run('482915' === shown ? '482916' : '482915'))).toBeDefined();
    expect(policy.pin()).toBe(shown); // the PIN shown stays after someone's failure
    for (let i = 0; i < 4; i++) thrown(() => run('135792' === policy.pin() ? '135793' : '135792'));
    expect(() => policy.assertAllowed()).toThrow(PairingLockedError);
    c.advance(policy.retryAfterMs());
    const pin = policy.pin();
    policy.assertAllowed();
    const rb = createPairing({
      role: 'responder',
      ...device,
      mode: policy.mode(),
      sessionId: SID,
      attempt: policy,
    });
    const ia = createPairing({ role: 'initiator', ...phone, mode: { kind: 'pin', pin }, sessionId: SID });
    const out = rb.receive(ia.receive(rb.receive(ia.start()).send as Uint8Array).send as Uint8Array);
    expect(out.result?.peer.id).toBe(phone.identity.id);
    expect(policy.pin()).not.toBe(pin);
  });
});
