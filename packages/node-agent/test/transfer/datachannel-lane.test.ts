/**
 * The DataChannel transfer lane between two real werift peers in one process (inside the test
 * namespace): frames round-trip in order, `write` waits on werift's bufferedAmount, closes are
 * reported (orderly from a lane close, with an error when the connection under it goes away).
 */
import type { TransferLane } from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import {
  createDtlsCertificate,
  createNodePeer,
  DATACHANNEL_HIGH_WATER,
  DATACHANNEL_MAX_FRAME_BYTES,
  weriftDataChannelLane,
} from '../../src/index.js';
import { IN_NETNS, negotiate, opened, waitFor } from '../peer/pair.js';
import { activeHandles, collect, handlesBackTo, randomFrames, settle, sha256 } from './support.js';

async function connectedPair(): Promise<{
  peers: RTCPeerConnection[];
  local: RTCDataChannel;
  remote: RTCDataChannel;
}> {
  const [certA, certB] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
  const a = createNodePeer({ certificate: certA, interfaceAddresses: ['10.77.0.1'] });
  const b = createNodePeer({ certificate: certB, interfaceAddresses: ['10.77.0.1'] });
  const incoming = waitFor(b.onDataChannel, () => true, 5_000, 'remote DataChannel');
  const local = await negotiate(a, b);
  await opened(local);
  const remote = await incoming;
  await opened(remote);
  return { peers: [a, b], local, remote };
}

describe.skipIf(!IN_NETNS)('weriftDataChannelLane (netns)', () => {
  it('carries frames both ways in order, waits on bufferedAmount, and closes in order', async () => {
    await settle(50);
    const baseline = activeHandles();
    const { peers, local, remote } = await connectedPair();
    try {
      // The receiving lane is made before the first frame is sent and read only later: held frames
      // must not be lost.
      const sender: TransferLane = weriftDataChannelLane(local);
      const receiver: TransferLane = weriftDataChannelLane(remote);
      expect(sender.kind).toBe('datachannel');
      // Both peers announce 262144 (createNodePeer): frames of 256 KiB, not werift's default 64 KiB.
      expect(sender.maxFrameBytes).toBe(256 * 1024);

      const sizes = [1, 2, 65_535, 65_537, DATACHANNEL_MAX_FRAME_BYTES];
      // 7.5 MiB: past the 4 MiB high-water mark, so writes wait.
      for (let i = 0; i < 30; i++) sizes.push(DATACHANNEL_MAX_FRAME_BYTES - (i % 7));
      const forward = randomFrames(sizes);
      const back = randomFrames([5, DATACHANNEL_MAX_FRAME_BYTES, 300]);

      let peak = 0;
      const first = await sender.write(forward[0] as Uint8Array);
      expect(first).toBeUndefined();
      await settle(100);
      const atReceiver = collect(receiver);
      const atSender = collect(sender);
      for (const frame of forward.slice(1)) {
        await sender.write(frame);
        peak = Math.max(peak, local.bufferedAmount);
      }
      for (const frame of back) await receiver.write(frame);
      await Promise.all([atReceiver.frames(forward.length), atSender.frames(back.length)]);
      expect(atReceiver.hashes).toEqual(forward.map(sha256));
      expect(atSender.hashes).toEqual(back.map(sha256));
      // Backpressure: what werift holds never grows past the high-water mark plus one frame.
      expect(peak).toBeLessThanOrEqual(DATACHANNEL_HIGH_WATER + DATACHANNEL_MAX_FRAME_BYTES);
      expect(peak).toBeGreaterThan(0);

      for (const size of [0, DATACHANNEL_MAX_FRAME_BYTES + 1]) {
        await expect(sender.write(new Uint8Array(size))).rejects.toMatchObject({
          name: 'InvalidArgumentError',
        });
      }

      sender.close();
      expect(await atSender.closed).toBeUndefined();
      expect(await atReceiver.closed).toBeUndefined();
      await expect(sender.write(new Uint8Array(1))).rejects.toMatchObject({ name: 'TransportClosedError' });
    } finally {
      await Promise.all(peers.map((pc) => pc.close()));
    }
    expect(await handlesBackTo(baseline)).toBeLessThanOrEqual(baseline);
    // Two werift peers in one process move ~8 MiB at a few MB/s, slower on a loaded machine.
  }, 60_000);

  it('reports an error when the connection under the lane closes', async () => {
    const { peers, local, remote } = await connectedPair();
    try {
      const sender = weriftDataChannelLane(local);
      const receiver = weriftDataChannelLane(remote);
      const atReceiver = collect(receiver);
      const senderClosed = new Promise<Error | undefined>((r) => sender.onClose(r));
      await sender.write(Uint8Array.of(1));
      await atReceiver.frames(1);
      // werift's close sends the remote nothing it acts on at once, so each side closes its own
      // connection here; either way the lane on it reports a failure, not an orderly close.
      await peers[0]?.close();
      expect(await senderClosed).toMatchObject({ name: 'TransportClosedError' });
      await peers[1]?.close();
      expect(await atReceiver.closed).toMatchObject({ name: 'TransportClosedError' });
      await expect(sender.write(Uint8Array.of(1))).rejects.toMatchObject({ name: 'TransportClosedError' });
    } finally {
      await Promise.all(peers.map((pc) => pc.close()));
    }
  });

  it('fails with MalformedInputError on a text message', async () => {
    const { peers, local, remote } = await connectedPair();
    try {
      const receiver = weriftDataChannelLane(remote);
      const atReceiver = collect(receiver);
      local.send('not a frame');
      expect(await atReceiver.closed).toMatchObject({ name: 'MalformedInputError' });
      expect(atReceiver.hashes).toEqual([]);
    } finally {
      await Promise.all(peers.map((pc) => pc.close()));
    }
  });

  it('keeps frames within a remote max-message-size below 256 KiB', async () => {
    const { peers, local, remote } = await connectedPair();
    try {
      // As a peer whose SDP said a=max-message-size:16384 (RFC 8841 §6) would have set it.
      local.sctp.remoteMaxMessageSize = 16_384;
      const sender = weriftDataChannelLane(local);
      const atReceiver = collect(weriftDataChannelLane(remote));
      expect(sender.maxFrameBytes).toBe(16_384);
      await expect(sender.write(new Uint8Array(16_385))).rejects.toMatchObject({
        name: 'InvalidArgumentError',
      });
      const [frame] = randomFrames([16_384]);
      await sender.write(frame as Uint8Array);
      await atReceiver.frames(1);
      expect(atReceiver.hashes).toEqual([sha256(frame as Uint8Array)]);
    } finally {
      await Promise.all(peers.map((pc) => pc.close()));
    }
  });
});
