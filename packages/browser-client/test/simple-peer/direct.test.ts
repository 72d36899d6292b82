/**
 * `toSimplePeer` on a direct connection (QR signalling between two Chromium pages, no relay in the
 * data path): it has no default channel, so one side creates `chat` (`createChannel`) and the other
 * waits for it; media is refused (no signalling session to renegotiate on).
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { call, type Setup, setup } from './harness.js';

describeLan('simple-peer adapter on a direct (QR) connection (Chromium)', () => {
  let env: Setup | undefined;
  afterEach(async () => {
    await env?.teardown();
    env = undefined;
  });

  it('data over a created channel both ways, media refused with RenegotiationUnsupportedError, close on both ends', async () => {
    env = await setup();
    const [a, b] = [await env.openPage(), await env.openPage()];
    const offer = await call(a, 'qrOffer');
    if (!offer.ok) throw new Error(`offer failed: ${offer.error}`);
    const answer = await call(b, 'qrAnswer', offer.value, { channelLabel: 'chat' });
    if (!answer.ok) throw new Error(`answer failed: ${answer.error}`);
    expect(await call(a, 'qrAccept', answer.value, { channelLabel: 'chat', createChannel: true })).toEqual({
      ok: true,
      value: null,
    });
    expect(await call(b, 'connected', 'direct')).toEqual({ ok: true, value: null });

    expect(await call(a, 'collect', 'direct')).toEqual({ ok: true, value: null });
    expect(await call(a, 'send', 'direct', [{ text: 'hi' }, { bytes: [9, 8] }])).toEqual({
      ok: true,
      value: null,
    });
    expect(await call(b, 'echo', 'direct')).toEqual({ ok: true, value: null });
    expect(await call(a, 'received', 'direct', 2)).toEqual({
      ok: true,
      value: [{ text: 'echo:hi' }, { bytes: [8, 9], type: 'Uint8Array' }],
    });

    const media = await call(a, 'addCanvas', 'direct');
    expect(media).toMatchObject({ ok: false, error: 'RenegotiationUnsupportedError' });

    expect(await call(b, 'destroy', 'direct')).toEqual({ ok: true, value: null });
    expect(await call(b, 'waitEvent', 'direct', 'close')).toEqual({ ok: true, value: ['connect', 'close'] });
    expect(await call(a, 'waitEvent', 'direct', 'close')).toEqual({ ok: true, value: ['connect', 'close'] });
  }, 60_000);
});
