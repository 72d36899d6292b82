/**
 * `toSimplePeer` on relay-path connections, in Chromium on a 2-host LAN (as test/relay-e2e): two
 * pages paired through the real relay, each wrapping its side of one connection (the caller after
 * `agent.connect`, the callee in `onConnection`), and a page wrapping a connection to the Node device.
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { call, pairedPages, type Setup, setup } from './harness.js';

describeLan('simple-peer adapter over the relay (Chromium)', () => {
  let env: Setup | undefined;
  afterEach(async () => {
    await env?.teardown();
    env = undefined;
  });

  it('page↔page: connect, text and binary both ways (nothing lost before the data listener), close on both ends', async () => {
    env = await setup();
    const { a, b, aId } = await pairedPages(env);
    expect(await call(b, 'connect', aId)).toEqual({ ok: true, value: null });
    expect(await call(b, 'state', 'out')).toEqual({ connected: true, destroyed: false });
    expect(await call(a, 'connected', 'in')).toEqual({ ok: true, value: null });

    // `a` has no data listener yet: these must be held, not dropped, and come in order.
    expect(await call(b, 'collect', 'out')).toEqual({ ok: true, value: null });
    const sent = [{ text: 'one' }, { bytes: [1, 2, 3, 255] }, { text: 'three' }];
    expect(await call(b, 'send', 'out', sent)).toEqual({ ok: true, value: null });
    await new Promise((r) => setTimeout(r, 500));
    expect(await call(a, 'echo', 'in')).toEqual({ ok: true, value: null });
    expect(await call(a, 'received', 'in', 3)).toEqual({
      ok: true,
      value: [{ text: 'one' }, { bytes: [1, 2, 3, 255], type: 'Uint8Array' }, { text: 'three' }],
    });
    expect(await call(b, 'received', 'out', 3)).toEqual({
      ok: true,
      value: [{ text: 'echo:one' }, { bytes: [255, 3, 2, 1], type: 'Uint8Array' }, { text: 'echo:three' }],
    });

    // The caller destroys: both adapters close (the callee through the session's bye), no error.
    expect(await call(b, 'destroy', 'out')).toEqual({ ok: true, value: null });
    expect(await call(b, 'state', 'out')).toEqual({ connected: false, destroyed: true });
    expect(await call(b, 'waitEvent', 'out', 'close')).toEqual({ ok: true, value: ['connect', 'close'] });
    expect(await call(a, 'waitEvent', 'in', 'close')).toEqual({ ok: true, value: ['connect', 'close'] });
    expect(await call(a, 'state', 'in')).toEqual({ connected: false, destroyed: true });
  }, 60_000);

  it('page↔page: addStream on either side gives track and stream on the other; removeTrack removes it', async () => {
    env = await setup();
    const { a, b, aId } = await pairedPages(env);
    expect(await call(b, 'connect', aId)).toEqual({ ok: true, value: null });
    expect(await call(a, 'connected', 'in')).toEqual({ ok: true, value: null });

    // Caller → callee: the caller's agent renegotiates on `negotiationneeded`.
    const fromB = await call(b, 'addCanvas', 'out');
    if (!fromB.ok) throw new Error(`addCanvas failed: ${fromB.error}`);
    expect(fromB.value.again).toBe('InvalidArgumentError');
    const played = await call(a, 'playRemote', 'in');
    if (!played.ok) throw new Error(`no remote video: ${played.error}`);
    expect(played.value).toEqual({ width: 64, height: 48, streamId: fromB.value.streamId });
    expect(await call(a, 'events', 'in')).toEqual([
      'connect',
      `track:video:${fromB.value.streamId}`,
      `stream:${fromB.value.streamId}`,
    ]);

    // Callee → caller (the polite side offers this time).
    const fromA = await call(a, 'addCanvas', 'in');
    if (!fromA.ok) throw new Error(`addCanvas failed: ${fromA.error}`);
    const back = await call(b, 'playRemote', 'out');
    expect(back).toMatchObject({ ok: true, value: { width: 64, streamId: fromA.value.streamId } });

    // removeTrack renegotiates too: the remote stream loses the track.
    expect(await call(b, 'removeCanvas', 'out')).toEqual({ ok: true, value: null });
    expect(await call(a, 'waitEvent', 'in', 'removetrack')).toMatchObject({ ok: true });
    expect(await call(b, 'removeCanvas', 'out')).toMatchObject({ ok: false, error: 'InvalidArgumentError' });
    expect((await call(a, 'events', 'in')).filter((e) => e.startsWith('error'))).toEqual([]);
    expect((await call(b, 'events', 'out')).filter((e) => e.startsWith('error'))).toEqual([]);
  }, 60_000);

  it('page↔Node device: text echo, the device’s VP8 track as track/stream, signal() throws, destroy is idempotent', async () => {
    env = await setup();
    const { device, ready } = env;
    const page = await env.openPage();
    const me = await call(page, 'start');
    if (!me.ok) throw new Error('start failed');
    expect(await call(page, 'enterPin', ready.id, ready.pin)).toEqual({ ok: true, value: null });
    expect(await call(page, 'connect', ready.id)).toEqual({ ok: true, value: null });
    expect(await call(page, 'collect', 'out')).toEqual({ ok: true, value: null });
    expect(await call(page, 'send', 'out', [{ text: 'hello' }])).toEqual({ ok: true, value: null });
    expect(await call(page, 'received', 'out', 1)).toEqual({ ok: true, value: [{ text: 'echo:hello' }] });

    await device.request(`video ${me.value}`, (l) => l.video === 'added');
    const video = await call(page, 'playRemote', 'out');
    if (!video.ok) throw new Error(`no remote video: ${video.error}`);
    expect(video.value.width).toBeGreaterThan(0);
    const events = await call(page, 'events', 'out');
    expect(events.filter((e) => e.startsWith('track:video:'))).toHaveLength(1);
    expect(events.filter((e) => e.startsWith('stream:'))).toHaveLength(1);

    expect(await call(page, 'signal', 'out')).toMatchObject({ ok: false, error: 'SignalUnsupportedError' });
    // destroy(err) emits error then close; a second destroy (with another error) emits nothing.
    expect(await call(page, 'destroy', 'out', 'app is done', true)).toEqual({ ok: true, value: null });
    await call(page, 'waitEvent', 'out', 'close');
    await new Promise((r) => setTimeout(r, 300));
    expect((await call(page, 'events', 'out')).slice(-2)).toEqual(['error:Error:app is done', 'close']);
    expect(
      (await call(page, 'events', 'out')).filter((e) => e === 'close' || e.startsWith('error')),
    ).toHaveLength(2);
    expect(await call(page, 'state', 'out')).toEqual({ connected: false, destroyed: true });
    expect(await call(page, 'sendAfterDestroy', 'out')).toMatchObject({
      ok: false,
      error: 'TransportClosedError',
    });
  }, 60_000);
});
