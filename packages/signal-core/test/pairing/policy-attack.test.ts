import { describe, expect, it } from 'vitest';
import { PairingExpiredError, PairingLockedError } from '../../src/errors.js';
import { peekHelloMode } from '../../src/pairing/messages.js';
import { createPairing, type Pairing, type PairingMode } from '../../src/pairing/pairing.js';
import { generatePairingSecret } from '../../src/pairing/pin.js';
import { createAttemptPolicy, PAIRING_STEP_DEADLINE_MS } from '../../src/pairing/policy.js';
import {
  combinePairingWindows,
  selectPairingWindow,
  startResponderPairing,
} from '../../src/session/pairing-windows.js';
import type { PairingWindow } from '../../src/session/types.js';
import { SID, side, thrown } from './helpers.js';

const DAY = 24 * 60 * 60_000;
/** 6-digit PINs that are not trivial (docs/PROTOCOL.md § Secrets and attempt policy). */
const PIN_SPACE = 1_000_000 - 1_110;

function clock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    set: (at: number) => {
      t = at;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** A guess that is never the PIN shown. */
const wrong = (pin: string) => (pin === '135792' ? '246813' : '135792');

/** One guess as the attacker makes it: admitted or refused by the policy; a wrong one fails. */
function guess(policy: ReturnType<typeof createAttemptPolicy>): 'refused' | 'failed' {
  try {
    policy.assertAllowed();
  } catch (error) {
    if (error instanceof PairingExpiredError) return guess(policy); // a new PIN is shown: not counted
    expect(error).toBeInstanceOf(PairingLockedError);
    return 'refused';
  }
  policy.recordFailure();
  return 'failed';
}

/** Run a full responder/initiator pairing where the responder admits the hello through `window`. */
function pairThrough(window: PairingWindow, mode: PairingMode, onCompare = true) {
  const device = side();
  const user = side();
  const initiator = createPairing({ role: 'initiator', ...user, mode, sessionId: SID });
  const hello = initiator.start();
  const chosen = selectPairingWindow(window, peekHelloMode(hello));
  const responder: Pairing = startResponderPairing(chosen, { ...device, sessionId: SID });
  const response = responder.receive(hello).send as Uint8Array;
  let a: ReturnType<Pairing['receive']>;
  try {
    a = initiator.receive(response);
  } catch (error) {
    responder.receive(initiator.abort()); // the wrong guesser's abort ends the device's attempt
    throw error;
  }
  const b = responder.receive(a.send as Uint8Array);
  if (mode.kind !== 'compare') return { initiator: a.result, responder: b.result };
  // Compare: both users see the same digits and say yes.
  expect(b.compare).toBe(a.compare);
  const ic = initiator.confirm(onCompare);
  const rc = responder.confirm(onCompare);
  const ir = initiator.receive(rc.send as Uint8Array);
  const rr = responder.receive(ic.send as Uint8Array);
  return { initiator: ir.result, responder: rr.result };
}

describe('attempt policy under a PIN guesser', () => {
  it('5 wrong guesses each time the lock ends: the PIN shown never changes and no more than 20 guesses a day get in', () => {
    const c = clock();
    const pins: string[] = [];
    const policy = createAttemptPolicy({ now: c.now, onPinChange: (pin) => pins.push(pin) });
    const shown = policy.pin();
    const t0 = c.now();
    let failed = 0;
    // 150 s of the attack, checked every 100 ms, the PIN read by the user 1 s before each check.
    for (let t = t0; t < t0 + 150_000; t += 100) {
      c.set(t);
      if (policy.retryAfterMs() === 0) for (let i = 0; i < 5; i++) if (guess(policy) === 'failed') failed++;
    }
    expect(failed).toBeGreaterThanOrEqual(15); // the attack ran: 5 + 5 + 5 (30 s, 60 s locks)
    expect(policy.pin()).toBe(shown); // what the user reads did not change under them
    expect(pins).toEqual([shown]);
    // The rest of the day: the attacker guesses whenever it may.
    const locks = new Set<string | undefined>();
    while (c.now() < t0 + DAY) {
      while (guess(policy) === 'failed') failed++;
      locks.add(policy.state().locked);
      c.advance(Math.max(1, policy.retryAfterMs())); // back the moment the lock ends
    }
    expect(failed).toBe(20);
    expect([...locks]).toEqual(['backoff', 'daily-limit']);
    expect(failed / PIN_SPACE).toBeLessThan(2.1e-5); // the attacker's chance that day
  });

  it('caps failures in any 24 h over a week, even with a 1 s backoff', () => {
    const c = clock();
    const policy = createAttemptPolicy({ now: c.now, lockoutMs: 1000, maxLockoutMs: 1000 });
    const times: number[] = [];
    const t0 = c.now();
    while (c.now() < t0 + 7 * DAY) {
      while (guess(policy) === 'failed') times.push(c.now());
      c.advance(Math.max(1, policy.retryAfterMs())); // back the moment the lock ends
    }
    for (const at of times)
      expect(times.filter((f) => f >= at && f < at + DAY).length).toBeLessThanOrEqual(20);
    expect(times.length).toBe(20 * 7); // 20 at the start of each of the 7 days
  });

  it('keeps the daily count across a success: only the backoff resets', () => {
    const c = clock();
    const policy = createAttemptPolicy({ now: c.now, maxFailuresPerDay: 6, maxFailures: 5 });
    for (let i = 0; i < 5; i++) guess(policy);
    expect(policy.state()).toMatchObject({ failuresToday: 5, locked: 'backoff' });
    c.advance(policy.retryAfterMs());
    policy.assertAllowed();
    policy.recordSuccess();
    expect(policy.state()).toMatchObject({ failuresToday: 5, locked: undefined });
    expect(guess(policy)).toBe('failed');
    expect(guess(policy)).toBe('refused'); // 6 in the day
    expect(policy.state().locked).toBe('daily-limit');
    expect(policy.state().lockedUntil).toBe(1_000_000 + DAY);
  });

  it('reports failures and locks to the device as they happen', () => {
    const c = clock();
    const states: { failures: number; locked: string | undefined; lockedUntil: number }[] = [];
    const policy = createAttemptPolicy({
      now: c.now,
      onStateChange: ({ failures, locked, lockedUntil }) => states.push({ failures, locked, lockedUntil }),
    });
    for (let i = 0; i < 5; i++) {
      c.advance(1000);
      guess(policy);
    }
    expect(states.map((s) => s.failures)).toEqual([1, 2, 3, 4, 5]);
    expect(states.at(-1)).toEqual({ failures: 5, locked: 'backoff', lockedUntil: c.now() + 30_000 });
    expect(policy.state().lastFailureAt).toBe(c.now());
  });

  it('a stalled attempt holds the slot one step deadline, counts as a failure, and its late outcome changes nothing', () => {
    const c = clock();
    const policy = createAttemptPolicy({ now: c.now });
    const shown = policy.pin();
    const stalled = policy.begin();
    c.advance(100);
    const busy = thrown(() => policy.begin());
    expect(busy).toBeInstanceOf(PairingLockedError);
    expect((busy as PairingLockedError).retryAfterMs).toBe(PAIRING_STEP_DEADLINE_MS - 100);
    c.advance(PAIRING_STEP_DEADLINE_MS - 100);
    const user = policy.begin(); // the slot is free after one step deadline
    expect(policy.state().failures).toBe(1);
    stalled.recordFailure(); // late: already counted, and it must not end the user's attempt
    expect(policy.state().failures).toBe(1);
    expect(thrown(() => policy.begin())).toBeInstanceOf(PairingLockedError); // the user's is in flight
    user.recordSuccess();
    expect(policy.pin()).not.toBe(shown); // a success rotates
  });

  it('while the PIN is locked by the guesser, the user pairs by QR secret and by comparison', () => {
    const c = clock();
    const policy = createAttemptPolicy({ now: c.now });
    const secret = generatePairingSecret();
    // The device shows a QR card and accepts a comparison, then shows a PIN (the newest window).
    const card: PairingWindow = { kind: 'secret', mode: () => ({ kind: 'secret', secret }) };
    const compare: PairingWindow = { kind: 'compare', mode: () => ({ kind: 'compare' }) };
    const pin: PairingWindow = { kind: 'pin', mode: () => policy.mode(), policy };
    const window = combinePairingWindows([card, compare, pin]) as PairingWindow;
    for (let i = 0; i < 5; i++) {
      expect(thrown(() => pairThrough(window, { kind: 'pin', pin: wrong(policy.pin()) }))).toBeDefined();
    }
    expect(policy.state().locked).toBe('backoff');
    expect(thrown(() => pairThrough(window, { kind: 'pin', pin: policy.pin() }))).toBeInstanceOf(
      PairingLockedError,
    );
    const bySecret = pairThrough(window, { kind: 'secret', secret });
    expect(bySecret.responder).toBeDefined();
    expect(bySecret.initiator).toBeDefined();
    const byCompare = pairThrough(window, { kind: 'compare' });
    expect(byCompare.responder).toBeDefined();
    expect(policy.state().failures).toBe(5); // neither touched the PIN's count
    // The lock ends: the PIN the user read before the attack still pairs.
    c.advance(policy.retryAfterMs());
    expect(pairThrough(window, { kind: 'pin', pin: policy.pin() }).responder).toBeDefined();
  });
});
