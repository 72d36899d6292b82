/**
 * A media source on an agent's relay-path connection: after pairing and connecting (in-memory
 * signalling switch, werift over the namespace), the device adds the source's tracks to the
 * connection; the agent renegotiates with a signed offer on its own and the phone receives a VP8
 * keyframe and Opus audio; removing the viewer renegotiates again and leaves the source running.
 */
import type { Connection } from '@lanrtc/signal-core';
import { createMemoryNetwork } from '@lanrtc/signal-core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestNode, pairByPin } from '../../../../test/kit/agents.js';
import { createMediaSource, isVp8KeyframeStart, type WeriftSessionPeer } from '../../src/index.js';
import { IN_NETNS } from '../peer/pair.js';
import { ffmpegChildren } from './support.js';

describe.skipIf(!IN_NETNS)('media source over a relay-path connection (werift agents)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('addTo(connection.peer.pc) renegotiates; the phone gets a keyframe and audio', async () => {
    const net = createMemoryNetwork();
    const [phone, door] = [
      await createTestNode({ transport: (id) => net.connect(id.id) }),
      await createTestNode({ transport: (id) => net.connect(id.id) }),
    ];
    cleanup.push(
      () => phone.agent.close(),
      () => door.agent.close(),
    );
    await pairByPin(phone, door);
    const atPhone = await phone.agent.connect(door.identity.id);
    await vi.waitFor(() => expect(door.incoming).toHaveLength(1));
    const atDoor = door.incoming[0] as Connection<WeriftSessionPeer>;
    await Promise.all([atPhone.peer.channel('lanrtc'), atDoor.peer.channel('lanrtc')]);

    const source = await createMediaSource({ input: { kind: 'test-pattern' } });
    cleanup.push(() => source.close());
    const got = { keyframe: false, audio: 0 };
    atPhone.peer.pc.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        if (track.kind === 'audio') got.audio++;
        else if (isVp8KeyframeStart(rtp.payload)) got.keyframe = true;
      }),
    );
    const viewer = source.addTo(atDoor.peer.pc);
    await vi.waitFor(() => expect(got.keyframe).toBe(true), { timeout: 10_000 });
    await vi.waitFor(() => expect(got.audio).toBeGreaterThan(10), { timeout: 10_000 });
    expect(viewer.keyframeAfterMs()).toBeDefined();

    viewer.close();
    await vi.waitFor(() => expect(source.stats().viewers).toBe(0));
    // The removal is renegotiated too: both sides settle in stable with the session still verified.
    await vi.waitFor(
      () => {
        expect(atDoor.peer.pc.signalingState).toBe('stable');
        expect(atPhone.peer.pc.signalingState).toBe('stable');
      },
      { timeout: 10_000 },
    );
    expect([phone.errors, door.errors]).toEqual([[], []]);
    const packets = source.stats().videoPackets;
    // ffmpeg's first seconds run slower than real time on a busy machine: a generous deadline.
    await vi.waitFor(() => expect(source.stats().videoPackets).toBeGreaterThan(packets + 10), {
      timeout: 10_000,
    });
    expect(ffmpegChildren()).toEqual([source.stats().pid]);
    console.log(
      `relay path: keyframe handed to the new viewer ${viewer.keyframeAfterMs()?.toFixed(0)} ms after addTo`,
    );
  }, 40_000);
});
