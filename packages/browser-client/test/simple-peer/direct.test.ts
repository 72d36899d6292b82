/**
 * `toSimplePeer` on a direct connection (QR signalling between two Chromium pages, no relay in the
 * data path): it has no default channel, so one side creates `chat` (`createChannel`) and the other
 * waits for it; media renegotiates over the auth channel (signed offer/answer), as on the relay path.
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

  it('data over a created channel both ways, a track added on either side arrives, close on both ends', async () => {
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
    if (!media.ok) throw new Error(`addCanvas failed: ${media.error}`);
    const played = await call(b, 'playRemote', 'direct');
    expect(played).toEqual({ ok: true, value: { width: 64, height: 48, streamId: media.value.streamId } });
    const back = await call(b, 'addCanvas', 'direct');
    if (!back.ok) throw new Error(`addCanvas failed: ${back.error}`);
    expect(await call(a, 'playRemote', 'direct')).toMatchObject({ ok: true, value: { width: 64 } });
    expect((await call(a, 'events', 'direct')).filter((e) => e.startsWith('error'))).toEqual([]);
    expect((await call(b, 'events', 'direct')).filter((e) => e.startsWith('error'))).toEqual([]);

    expect(await call(b, 'destroy', 'direct')).toEqual({ ok: true, value: null });
    const tracksAndClose = (streamId: string) => ({
      ok: true,
      value: ['connect', `track:video:${streamId}`, `stream:${streamId}`, 'close'],
    });
    expect(await call(b, 'waitEvent', 'direct', 'close')).toEqual(tracksAndClose(media.value.streamId));
    expect(await call(a, 'waitEvent', 'direct', 'close')).toEqual(tracksAndClose(back.value.streamId));
  }, 60_000);
});
