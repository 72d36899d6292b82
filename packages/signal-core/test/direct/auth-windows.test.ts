import { describe, expect, it } from 'vitest';
import { PairingFailedError, PairingLockedError, PairingNotOpenError } from '../../src/errors.js';
import { generatePairingSecret } from '../../src/pairing/pin.js';
import { createAttemptPolicy } from '../../src/pairing/policy.js';
import { combinePairingWindows, createOneTimeSecretWindow } from '../../src/session/pairing-windows.js';
import type { PairingWindow } from '../../src/session/types.js';
import { runBoth as run, side } from './ports.js';

const wrong = (pin: string) => (pin === '135792' ? '246813' : '135792');

/** A device with a QR pairing card, a compare prompt and (newest) a PIN display, all open at once. */
function deviceWindows() {
  const policy = createAttemptPolicy({ maxFailures: 2 });
  const secret = generatePairingSecret();
  const log: string[] = [];
  const card = createOneTimeSecretWindow(secret, () => log.push('card paired'));
  const compare: PairingWindow = {
    kind: 'compare',
    mode: () => ({ kind: 'compare' }),
    onCompare: async () => true,
    onPaired: () => log.push('compare paired'),
  };
  const pin: PairingWindow = {
    kind: 'pin',
    mode: () => policy.mode(),
    policy,
    onFailure: (e) => log.push(`pin ${e.name}`),
  };
  return { policy, secret, log, window: combinePairingWindows([card, compare, pin]) as PairingWindow };
}

describe('runDirectAuth — windows of several modes', () => {
  it('routes each PAKE hello to the window of its mode: the PIN locked by a guesser, the QR secret and compare still pair', async () => {
    const dev = deviceWindows();
    const r = side();
    for (let n = 0; n < 2; n++) {
      const t = run(side(), r, {
        i: { pairing: { kind: 'pin', pin: wrong(dev.policy.pin()) } },
        r: { pairingWindow: dev.window },
      });
      expect((await t.r).error).toBeInstanceOf(PairingFailedError);
    }
    const locked = run(side(), r, {
      i: { pairing: { kind: 'pin', pin: dev.policy.pin() } },
      r: { pairingWindow: dev.window },
    });
    expect((await locked.r).error).toBeInstanceOf(PairingLockedError);

    const bySecret = run(side(), r, {
      i: { pairing: { kind: 'secret', secret: dev.secret } },
      r: { pairingWindow: dev.window },
    });
    expect((await bySecret.r).value?.paired).toBe(true);
    expect((await bySecret.i).value?.paired).toBe(true);
    const byCompare = run(side(), r, {
      i: { pairing: { kind: 'compare' }, onCompare: async () => true },
      r: { pairingWindow: dev.window },
    });
    expect((await byCompare.r).value?.paired).toBe(true);
    expect(dev.log).toEqual([
      'pin PairingFailedError',
      'pin PairingFailedError',
      'card paired',
      'compare paired',
    ]);
    expect(dev.policy.state().failures).toBe(2);
  });

  it('a peer without the secret that stalls mid-pairing does not hold the QR card', async () => {
    const dev = deviceWindows();
    const r = side();
    // The staller sends its auth hello and PAKE hello, then nothing (its `finish`, its reject): the
    // device waits for it until its own deadline.
    let fromStaller = 0;
    const stalled = run(side(), r, {
      i: { pairing: { kind: 'secret', secret: generatePairingSecret() } },
      r: { pairingWindow: dev.window, deadlineMs: 3_000 },
      tamper: (m, from) => (from === 'a' && ++fromStaller > 2 ? undefined : m),
    });
    let stallerDone = false;
    void stalled.r.then(() => {
      stallerDone = true;
    });
    const user = run(side(), r, {
      i: { pairing: { kind: 'secret', secret: dev.secret } },
      r: { pairingWindow: dev.window },
    });
    expect((await user.r).value?.paired).toBe(true);
    expect(stallerDone).toBe(false); // the user got in while the staller was still waited for
    expect((await stalled.r).error?.constructor.name).toBe('AuthTimeoutError');
    expect(dev.log).toEqual(['card paired']);
    // The card is used: another holder of the secret is refused before anything is stored.
    const second = run(side(), r, {
      i: { pairing: { kind: 'secret', secret: dev.secret } },
      r: { pairingWindow: dev.window },
    });
    expect((await second.r).error).toBeInstanceOf(PairingNotOpenError);
  });

  it('two holders of the secret at once: the first to prove it pairs, the other is refused', async () => {
    const dev = deviceWindows();
    const r = side();
    const [x, y] = [side(), side()];
    const tx = run(x, r, {
      i: { pairing: { kind: 'secret', secret: dev.secret } },
      r: { pairingWindow: dev.window },
    });
    const ty = run(y, r, {
      i: { pairing: { kind: 'secret', secret: dev.secret } },
      r: { pairingWindow: dev.window },
    });
    const outcomes = [(await tx.r).value?.paired, (await ty.r).value?.paired];
    expect(outcomes.filter((p) => p === true)).toHaveLength(1);
    expect(
      [(await tx.r).error, (await ty.r).error].filter((e) => e instanceof PairingNotOpenError),
    ).toHaveLength(1);
    const stored = [await r.trust.get(x.identity.id), await r.trust.get(y.identity.id)];
    expect(stored.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a hello of a mode no open window accepts, without counting it against the PIN', async () => {
    const policy = createAttemptPolicy();
    const window = combinePairingWindows([
      { kind: 'pin', mode: () => policy.mode(), policy },
    ]) as PairingWindow;
    const t = run(side(), side(), {
      i: { pairing: { kind: 'compare' }, onCompare: async () => true },
      r: { pairingWindow: window },
    });
    expect((await t.r).error).toBeInstanceOf(PairingNotOpenError);
    expect(policy.state().failures).toBe(0);
  });
});
