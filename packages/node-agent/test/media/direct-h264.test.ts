/**
 * An H.264 media source over a direct connection (werift ↔ werift in the private netns): the device
 * listens with `videoCodecs: ['h264']`, the connector connects with the same, and `addTo` on the
 * device's connection renegotiates over the auth channel; the connector's first video packet is the
 * cached keyframe's SPS/PPS under H.264's payload type.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectDirect, createMediaSource, h264NalUnitTypes, type NodeConnection } from '../../src/index.js';
import { HOST, owned, pairParties, party, startListener } from '../direct/support.js';
import { IN_NETNS } from '../peer/pair.js';

const { own, defer, closeAll } = owned();
afterEach(closeAll);

describe.skipIf(!IN_NETNS)('H.264 over a direct connection (werift ↔ werift, netns)', () => {
  it('the device adds an H.264 source after connectDirect; the connector starts at its SPS/PPS', async () => {
    const source = await createMediaSource({
      input: { kind: 'test-pattern' },
      videoCodec: 'h264',
      audio: false,
    });
    defer(() => source.close());
    const [device, client] = [await party(), await party()];
    await pairParties(device, client);
    const { listener, connections } = await startListener(device, { videoCodecs: ['h264'] });
    own(listener);
    const atClient = own(
      await connectDirect(listener.card(), {
        ...client,
        peer: { interfaceAddresses: [HOST], videoCodecs: ['h264'] },
      }),
    );
    await vi.waitFor(() => expect(connections).toHaveLength(1));
    const atDevice = connections[0] as NodeConnection;
    const first = new Promise<{ types: number[]; pt: number; mime: string | undefined }>((resolve) =>
      atClient.peer.pc.onTrack.subscribe((track) =>
        track.onReceiveRtp.once((rtp) =>
          resolve({
            types: h264NalUnitTypes(rtp.payload),
            pt: rtp.header.payloadType,
            mime: track.codec?.mimeType,
          }),
        ),
      ),
    );
    source.addTo(atDevice.peer.pc);
    const got = await first;
    expect(got.mime).toBe('video/H264');
    expect(got.types.slice(0, 2)).toEqual([7, 8]); // SPS, PPS (ITU-T H.264 Table 7-1)
    expect(source.stats().viewers).toBe(1);
  }, 30_000);
});
