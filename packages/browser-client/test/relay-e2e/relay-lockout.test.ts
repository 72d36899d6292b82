/**
 * Lockout over the real relay: a page guesses the device's PIN wrong until the device's
 * attempt policy (3 failures → 2 s lockout) locks pairing; the right PIN is then refused with the
 * device's reason `PairingLockedError`, and accepted once the lockout has passed.
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { call, type Setup, setup } from './harness.js';

/** Wrong guesses that are not weak PINs; whichever equals the current PIN is skipped. */
const GUESSES = ['480316', '591427', '602538', '713649'];

describeLan('browser-client over the real relay: PIN lockout', () => {
  let env: Setup | undefined;
  afterEach(async () => {
    await env?.teardown();
    env = undefined;
  });

  it('locks pairing after repeated wrong PINs, refuses the right PIN while locked, accepts it after the lockout', async () => {
    const t0 = performance.now();
    env = await setup('lockout');
    const { device, ready } = env;
    const page = await env.openPage();
    const started = await call(page, 'start');
    if (!started.ok) throw new Error(`start failed: ${started.error}`);

    let lastFailureAt = 0;
    for (let i = 0; i < 3; i++) {
      // Ask the device for the PIN it shows (a failure no longer changes it) and guess around it.
      const { pin } = await device.request('pin', (l) => typeof l.pin === 'string');
      const wrong = GUESSES.find((g) => g !== pin) as string;
      expect(await call(page, 'enterPin', ready.id, wrong)).toEqual({
        ok: false,
        error: 'PairingFailedError',
      });
      // The page learns of the failure before the device has closed the attempt in its policy; a
      // guess before that is refused as "another attempt in progress" (also PairingLockedError).
      await device.next(() => device.lines.filter((l) => 'pairingFailed' in l).length === i + 1);
      lastFailureAt = performance.now();
    }

    // Locked: even the PIN the device shows now is refused, and the page learns why.
    const { pin: current } = await device.request('pin', (l) => typeof l.pin === 'string');
    const locked = await call(page, 'enterPin', ready.id, current as string);
    expect(locked).toEqual({ ok: false, error: 'PeerRejectedError', reason: 'PairingLockedError' });
    expect(performance.now() - lastFailureAt).toBeLessThan(2_000);
    expect(await call(page, 'trusted', ready.id)).toBe(false);

    // After the 2 s lockout the window reopens: the current PIN pairs, and the connection works.
    await new Promise((r) => setTimeout(r, Math.max(0, lastFailureAt + 2_200 - performance.now())));
    const { pin: afterLockout } = await device.request('pin', (l) => typeof l.pin === 'string');
    expect(await call(page, 'enterPin', ready.id, afterLockout as string)).toEqual({ ok: true, value: null });
    await device.next((l) => l.paired === started.value.id);
    expect(await call(page, 'connectEcho', ready.id, 'in')).toMatchObject({
      ok: true,
      value: { remote: ready.id, reply: 'echo:in' },
    });
    expect(device.lines.filter((l) => 'paired' in l)).toHaveLength(1);
    console.log(JSON.stringify({ test: 'relay lockout', totalMs: Math.round(performance.now() - t0) }));
  }, 40_000);
});
