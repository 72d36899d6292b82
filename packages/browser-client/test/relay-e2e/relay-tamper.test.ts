/**
 * A malicious relay: the real relay's `intercept` test hook alters what the device sends to
 * an already-paired page — one byte of the DTLS fingerprint in the signed answer, the signature cut
 * off, or an old envelope replayed instead. The page drops and counts the frame by its specific
 * error, its `connect` runs into the deadline, the app gets no connection and no message, and the
 * same connect succeeds once the relay behaves.
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { call, received, type Setup, setup } from './harness.js';

const STEP_DEADLINE_MS = 3_000;

describeLan('browser-client over a malicious relay', () => {
  let env: Setup | undefined;
  afterEach(async () => {
    await env?.teardown();
    env = undefined;
  });

  it.each([
    // Each altered answer is dropped and counted, never taken as the device's word (the relay
    // chooses the sender label a frame arrives with): the session runs into its deadline.
    { tamper: 'fingerprint', rejected: 'InvalidSignatureError' },
    { tamper: 'signature', rejected: 'MalformedInputError' },
    { tamper: 'replay', rejected: 'ReplayedEnvelopeError' },
  ])(
    'relay tampering ($tamper) → the page drops the answer ($rejected), connect fails, nothing reaches the app',
    async (c) => {
      const t0 = performance.now();
      env = await setup();
      const { device, ready } = env;
      const page = await env.openPage();
      // A 3 s step deadline (the page's default is 6 s): the tampered connect waits it out, while an
      // honest relay step on the LAN takes well under a second.
      const started = await call(page, 'start', false, STEP_DEADLINE_MS);
      if (!started.ok) throw new Error(`start failed: ${started.error}`);
      expect(await call(page, 'enterPin', ready.id, ready.pin)).toEqual({ ok: true, value: null });
      // The device stores the page just after its last pairing message; an offer before that is refused.
      await device.next((l) => l.paired === started.value.id);

      await device.request(`tamper ${c.tamper}`, (l) => l.tamperSet === c.tamper);
      const failed = await call(page, 'connectEcho', ready.id, 'secret');
      // The page's own deadline, or — whichever comes first — the device's signed bye in the session
      // once its ICE gives up on a page that never applied the answer: never the relay's frame.
      const outcome = failed.ok ? 'connected' : [failed.error, failed.reason].filter(Boolean).join(' ');
      expect(['SessionTimeoutError', 'PeerRejectedError TransportClosedError']).toContain(outcome);
      const tampered = await device.next((l) => l.tamper === c.tamper);
      // A replay must have had an earlier envelope to replay (the pairing's first response).
      if (c.tamper === 'replay') expect(tampered.have).toBe(true);
      expect((await call(page, 'rejected'))[c.rejected]).toBeGreaterThanOrEqual(1);
      expect(await received(page)).toEqual({ connections: [], messages: [] });
      expect(device.lines.filter((l) => 'connection' in l || 'message' in l)).toEqual([]);

      // The same call over an honest relay works: the failure was the tampering.
      await device.request('tamper none', (l) => l.tamperSet === 'none');
      expect(await call(page, 'connectEcho', ready.id, 'ok')).toMatchObject({
        ok: true,
        value: { remote: ready.id, remoteFingerprint: ready.fingerprint, reply: 'echo:ok' },
      });
      console.log(
        JSON.stringify({ test: `relay tamper ${c.tamper}`, totalMs: Math.round(performance.now() - t0) }),
      );
    },
    30_000,
  );
});
