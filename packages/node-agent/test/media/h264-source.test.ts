/**
 * createMediaSource with `videoCodec: 'h264'` (real ffmpeg + libx264, real werift peers on loopback,
 * inside the private network namespace): a late viewer's first packet is the keyframe's SPS/PPS, a
 * PLI gets the cached GOP spliced in, and H.264 is only sent where both sides negotiate it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import {
  createDtlsCertificate,
  createMediaSource,
  createNodePeer,
  type MediaSource,
} from '../../src/index.js';
import { createKeyframeDetector } from '../../src/media/keyframe-detector.js';
import { IN_NETNS, settle, waitFor } from '../peer/pair.js';
import { type Watch, watch } from './support.js';

async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await waitFor(pc.iceGatheringStateChange, (s) => s === 'complete', 5_000, 'gathering');
}

/** NAL unit types (ITU-T H.264 Table 7-1). */
const SPS = 7;
const PPS = 8;

describe.skipIf(!IN_NETNS)('H.264 media source (werift viewers)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const track = <T extends MediaSource | Watch | RTCPeerConnection>(x: T): T => {
    cleanup.push(() => x.close());
    return x;
  };
  const h264Source = (keyframeIntervalS = 10) =>
    createMediaSource({
      input: { kind: 'test-pattern' },
      videoCodec: 'h264',
      keyframeIntervalS,
      audio: false,
    });

  it('a late viewer starts at the cached keyframe (SPS/PPS first) and a PLI gets it again at once', async () => {
    const source = track(await h264Source());
    const early = track(await watch(source));
    await early.firstKeyframe;
    await settle(1_500); // the encoder's next keyframe is ~8 s away
    const v = track(await watch(source));
    const wait = await v.firstKeyframe;
    expect(v.firstPacketWasKeyframe).toBe(true);
    // RFC 6184 §8.4 / H.264 §7.4.1.2.3: a decoder needs the parameter sets before the IDR slice.
    expect(v.firstPacketNalTypes?.slice(0, 2)).toEqual([SPS, PPS]);
    const h264 = v.sender.getTransceivers()[0]?.codecs.map((c) => [c.mimeType, c.payloadType]);
    expect(h264).toEqual([['video/H264', expect.any(Number)]]);
    expect([...v.payloadTypes]).toEqual([h264?.[0]?.[1]]);
    await settle(500);
    const transceiver = v.receiver.getTransceivers().find((t) => t.kind === 'video');
    const ssrc = transceiver?.receiver.track?.ssrc;
    if (!transceiver || ssrc === undefined) throw new Error('no video receiver');
    const t0 = performance.now();
    await transceiver.receiver.sendRtcpPLI(ssrc);
    await expect.poll(() => v.video.keyframes, { timeout: 2_000, interval: 5 }).toBe(2);
    const pliMs = performance.now() - t0;
    const packets = v.video.packets;
    await expect.poll(() => v.video.packets, { timeout: 10_000 }).toBeGreaterThan(packets + 30);
    console.log(
      `H.264 late viewer: first keyframe ${wait.toFixed(0)} ms after subscribing (incl. ICE + DTLS); PLI → keyframe ${pliMs.toFixed(0)} ms`,
    );
    expect(source.stats().keyframes).toBe(1); // every keyframe the viewers saw came from the cache
    expect(source.stats().pli).toBe(1);
    expect(v.video.tsBackwards).toBe(0);
    expect(v.seqHoles()).toBe(0);
  });

  it('without the replay a new viewer waits for the next scheduled IDR picture', async () => {
    const source = track(
      await createMediaSource({
        input: { kind: 'test-pattern' },
        videoCodec: 'h264',
        keyframeIntervalS: 3,
        replayKeyframe: false,
        audio: false,
      }),
    );
    const v = track(await watch(source));
    await settle(200);
    // Joined right after the source's first IDR: its first packets are not a keyframe.
    await v.firstKeyframe;
    expect(v.firstPacketWasKeyframe).toBe(false);
    expect(v.keyframeAfterFirstPacketMs).toBeGreaterThan(1_000);
    expect(source.stats().keyframes).toBeGreaterThanOrEqual(2);
  });

  it("answers a remote's offer that lists VP8 first with H.264, under H.264's payload type", async () => {
    const source = track(await h264Source(1));
    const [ca, cb] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
    const viewer = track(
      createNodePeer({ certificate: ca, interfaceAddresses: ['127.0.0.1'], videoCodecs: ['vp8', 'h264'] }),
    );
    const device = track(
      createNodePeer({ certificate: cb, interfaceAddresses: ['127.0.0.1'], videoCodecs: ['vp8', 'h264'] }),
    );
    const detect = createKeyframeDetector('h264');
    let keyframes = 0;
    const payloadTypes = new Set<number>();
    viewer.onTrack.subscribe((t) =>
      t.onReceiveRtp.subscribe((rtp) => {
        payloadTypes.add(rtp.header.payloadType);
        if (detect(rtp)) keyframes++;
      }),
    );
    viewer.addTransceiver('video', { direction: 'recvonly' });
    await viewer.setLocalDescription(await viewer.createOffer());
    await gathered(viewer);
    await device.setRemoteDescription(viewer.localDescription as NonNullable<typeof viewer.localDescription>);
    source.addTo(device);
    await device.setLocalDescription(await device.createAnswer());
    await gathered(device);
    const answer = device.localDescription?.sdp ?? '';
    expect(answer).toMatch(/m=video \d+ UDP\/TLS\/RTP\/SAVPF (\d+)\r\n/);
    expect(answer).not.toMatch(/VP8\/90000/);
    await viewer.setRemoteDescription({ type: 'answer', sdp: answer });
    await expect.poll(() => keyframes, { timeout: 10_000 }).toBeGreaterThan(0);
    const h264Pt = /a=rtpmap:(\d+) H264\/90000/.exec(answer)?.[1];
    expect([...payloadTypes]).toEqual([Number(h264Pt)]);
  });

  it('refuses a connection without H.264, and a remote offer without it, with UnsupportedMediaError', async () => {
    const source = track(await h264Source(1));
    const [ca, cb] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
    const vp8Only = track(createNodePeer({ certificate: ca, interfaceAddresses: ['127.0.0.1'] }));
    expect(() => source.addTo(vp8Only)).toThrow(expect.objectContaining({ name: 'UnsupportedMediaError' }));
    expect(vp8Only.getTransceivers()).toEqual([]);
    // A remote that offers VP8 only, to a device that could do both.
    const device = track(
      createNodePeer({ certificate: cb, interfaceAddresses: ['127.0.0.1'], videoCodecs: ['h264', 'vp8'] }),
    );
    vp8Only.addTransceiver('video', { direction: 'recvonly' });
    await device.setRemoteDescription(await vp8Only.createOffer());
    expect(() => source.addTo(device)).toThrow(expect.objectContaining({ name: 'UnsupportedMediaError' }));
    expect(source.stats().viewers).toBe(0);
  });
});
