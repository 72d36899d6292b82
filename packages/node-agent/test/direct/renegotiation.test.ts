/**
 * Renegotiation over the auth channel of a direct connection, Node → Node (werift both sides) in the
 * private netns: after `connectDirect` either side adds a synthetic VP8 track, the signed offer and
 * answer travel on the auth channel and RTP arrives; the ICE-lite device keeps its placeholder
 * remote credentials (no ICE restart), glare settles, and a forged or unsigned frame on the auth
 * channel is refused with a typed error while the connection stays.
 */
import { createIdentity, type LanrtcError } from '@lanrtc/signal-core';
import {
  DIRECT_DESCRIPTION_TYPE,
  encodeRenegotiationFrame,
  sealEnvelope,
} from '@lanrtc/signal-core/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MediaStreamTrack, RTCDataChannel } from 'werift';
import { Navigator } from 'werift/nonstandard';
import { connectDirect, type NodeConnection, type WeriftSessionPeer } from '../../src/index.js';
import { IN_NETNS } from '../peer/pair.js';
import { echo, HOST, owned, pairParties, party, startListener } from './support.js';

const { own, defer, closeAll } = owned();
afterEach(closeAll);

/** A synthetic VP8 camera (stopped after the test). */
async function dummyVideo(): Promise<MediaStreamTrack> {
  const navigator = new Navigator({ dummyMedia: { enabled: true, video: { fps: 15 } } });
  const stream = await navigator.mediaDevices.getUserMedia({ video: true });
  defer(async () => navigator.mediaDevices.cleanup());
  const track = stream.getVideoTracks()[0];
  if (!track) throw new Error('no dummy video track');
  return track;
}

/** A synthetic audio source (stopped after the test). */
async function dummyAudio(): Promise<MediaStreamTrack> {
  const navigator = new Navigator({ dummyMedia: { enabled: true } });
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  defer(async () => navigator.mediaDevices.cleanup());
  const track = stream.getAudioTracks()[0];
  if (!track) throw new Error('no dummy audio track');
  return track;
}

/** Resolve with the first incoming track's kind once `n` RTP packets arrived on it. */
function receivesRtp(peer: WeriftSessionPeer, n: number): Promise<string> {
  return new Promise((resolve) => {
    peer.pc.onTrack.subscribe((track) => {
      let count = 0;
      track.onReceiveRtp.subscribe(() => {
        if (++count === n) resolve(track.kind);
      });
    });
  });
}

/** The auth channel of a werift connection (negotiated id 1000). */
function authChannel(conn: NodeConnection): RTCDataChannel {
  const sctp = (
    conn.peer.pc as unknown as { sctpTransport: { dataChannels: Record<number, RTCDataChannel> } }
  ).sctpTransport;
  const channel = sctp.dataChannels[1000];
  if (!channel) throw new Error('no auth channel');
  return channel;
}

async function directPair() {
  const device = await party();
  const client = await party();
  await pairParties(device, client);
  const { listener, connections } = await startListener(device);
  own(listener);
  const atClient = own(
    await connectDirect(listener.card(), { ...client, peer: { interfaceAddresses: [HOST] } }),
  );
  await vi.waitFor(() => expect(connections).toHaveLength(1));
  const atDevice = connections[0] as NodeConnection;
  const errors: LanrtcError[] = [];
  atClient.onRenegotiationError?.((e) => errors.push(e));
  atDevice.onRenegotiationError?.((e) => errors.push(e));
  return { device, client, listener, atClient, atDevice, errors };
}

describe.skipIf(!IN_NETNS)('direct connection renegotiation (werift ↔ werift, netns)', () => {
  it('the device adds a VP8 track: signed offer on the auth channel, the connector answers, RTP flows, ICE is not restarted', async () => {
    const { atClient, atDevice, errors } = await directPair();
    const ice = atDevice.peer.pc.iceTransports[0]?.connection as unknown as {
      localUsername: string;
    };
    const ufragBefore = ice.localUsername;
    const got = receivesRtp(atClient.peer, 5);
    const t0 = performance.now();
    atDevice.peer.pc.addTrack(await dummyVideo());
    expect(await got).toBe('video');
    const ms = performance.now() - t0;
    // werift would have replaced the card's ufrag on an ICE restart.
    expect(ice.localUsername).toBe(ufragBefore);
    expect(atDevice.peer.pc.connectionState).toBe('connected');
    expect(await echo(atClient, 'after-video')).toBe('ping');
    expect(errors).toEqual([]);
    console.log(
      JSON.stringify({ test: 'direct renegotiate device→connector', addTrackToRtpMs: Math.round(ms) }),
    );
  }, 30_000);

  it('the connector adds a VP8 track: the device answers with its placeholders kept, RTP reaches it', async () => {
    const { atClient, atDevice, errors } = await directPair();
    const got = receivesRtp(atDevice.peer, 5);
    atClient.peer.pc.addTrack(await dummyVideo());
    expect(await got).toBe('video');
    expect(await echo(atClient, 'after-video')).toBe('ping');
    expect(errors).toEqual([]);
  }, 30_000);

  it('an explicit renegotiate() resolves once the answer is applied; glare settles with both tracks flowing', async () => {
    const { atClient, atDevice, errors } = await directPair();
    await atClient.renegotiate();
    expect(atClient.peer.pc.signalingState).toBe('stable');
    const [gotAtClient, gotAtDevice] = [receivesRtp(atClient.peer, 5), receivesRtp(atDevice.peer, 5)];
    atDevice.peer.pc.addTrack(await dummyVideo());
    atClient.peer.pc.addTrack(await dummyVideo());
    expect(await Promise.all([gotAtClient, gotAtDevice])).toEqual(['video', 'video']);
    expect(errors).toEqual([]);
  }, 40_000);

  it('glare with different kinds (device video, connector audio): the device rolls back and both media flow', async () => {
    const { atClient, atDevice, errors } = await directPair();
    // Count the device's rollbacks: the negotiator calls the peer's, so a rollback means the offers crossed.
    let rollbacks = 0;
    const rollback = atDevice.peer.rollback?.bind(atDevice.peer);
    atDevice.peer.rollback = async () => {
      rollbacks += 1;
      await rollback?.();
    };
    const [video, audio] = [await dummyVideo(), await dummyAudio()];
    const [gotVideo, gotAudio] = [receivesRtp(atClient.peer, 5), receivesRtp(atDevice.peer, 5)];
    atDevice.peer.pc.addTrack(video);
    atClient.peer.pc.addTrack(audio);
    expect(await Promise.all([gotVideo, gotAudio])).toEqual(['video', 'audio']);
    expect(rollbacks).toBeGreaterThanOrEqual(1);
    expect(await echo(atClient, 'after-glare')).toBe('ping');
    expect(errors).toEqual([]);
  }, 40_000);

  it('a forged, unsigned or unknown-version frame on the auth channel is refused with a typed error; the connection stays', async () => {
    const { device, client, atClient, atDevice, errors } = await directPair();
    const channel = authChannel(atClient);
    // The checks refuse these frames before their payload is read: any bytes do.
    const payload = new TextEncoder().encode('v=0');
    const session = new Uint8Array(16);
    // Signed by an identity the device never verified, with the client's key claimed nowhere.
    const forged = sealEnvelope(createIdentity(), {
      type: 'offer',
      recipient: device.identity.id,
      session,
      counter: 1,
      payload,
    });
    channel.send(Buffer.from(encodeRenegotiationFrame(forged)));
    // Signed by the client but the signature broken (an unsigned frame).
    const genuine = sealEnvelope(client.identity, {
      type: 'offer',
      recipient: device.identity.id,
      session,
      counter: 1,
      payload,
    });
    const unsigned = encodeRenegotiationFrame(genuine);
    unsigned.fill(0, unsigned.length - 64);
    channel.send(Buffer.from(unsigned));
    // A frame version this build does not speak.
    channel.send(Buffer.from([9, DIRECT_DESCRIPTION_TYPE, 1, 2, 3]));
    await vi.waitFor(() => expect(errors).toHaveLength(3));
    expect(errors.map((e) => e.name)).toEqual([
      'UnexpectedSenderError',
      'InvalidSignatureError',
      'UnsupportedVersionError',
    ]);
    expect(errors[2]?.message).toMatch(/version 9; this build speaks version 1/);
    // Nothing was applied and the connection still works both ways, renegotiation included.
    expect(atDevice.peer.pc.signalingState).toBe('stable');
    expect(await echo(atClient, 'still-here')).toBe('ping');
    const got = receivesRtp(atClient.peer, 5);
    atDevice.peer.pc.addTrack(await dummyVideo());
    expect(await got).toBe('video');
  }, 30_000);
});
