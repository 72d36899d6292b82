/**
 * Test helpers for media: a werift viewer connected to a source in one process, what it received, and
 * the ffmpeg processes this test process has started (from /proc).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { MediaStreamTrack, RTCPeerConnection } from 'werift';
import {
  createDtlsCertificate,
  createNodePeer,
  h264NalUnitTypes,
  type MediaSource,
  type MediaViewer,
} from '../../src/index.js';
import { createKeyframeDetector } from '../../src/media/keyframe-detector.js';
import { negotiate, waitFor } from '../peer/pair.js';

/** What one werift viewer saw. */
export interface Watch {
  sender: RTCPeerConnection;
  receiver: RTCPeerConnection;
  viewer: MediaViewer;
  /** Counts, and breaks in the stream: a timestamp or VP8 picture ID that goes back (among new packets). */
  video: { packets: number; keyframes: number; tsBackwards: number; picBackwards: number };
  /** Sequence numbers never received between the first and the 100th-newest (a loss NACK repaired is not one). */
  seqHoles(): number;
  audio: { packets: number };
  audioTrack: Promise<MediaStreamTrack>;
  /** ms from `addTo` (the viewer subscribing) to its first received keyframe packet. */
  firstKeyframe: Promise<number>;
  /** Whether the first video packet received started a keyframe, once one arrived. */
  firstPacketWasKeyframe: boolean | undefined;
  /** H.264: the NAL unit types of the first video packet received (RFC 6184 §5.2). */
  firstPacketNalTypes: number[] | undefined;
  /** The payload types of the video packets received. */
  payloadTypes: Set<number>;
  /** ms from the first video packet received to the first keyframe packet received. */
  keyframeAfterFirstPacketMs: number | undefined;
  close(): Promise<void>;
}

/**
 * A sender peer with the source's tracks, negotiated with a receiver peer on loopback; both offer the
 * source's video codec (the receiver `receiverCodecs`, when given).
 */
export async function watch(
  source: MediaSource,
  receiverCodecs: readonly ('vp8' | 'h264')[] = [source.videoCodec],
): Promise<Watch> {
  const [ca, cb] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
  const videoCodecs = [source.videoCodec];
  const sender = createNodePeer({ certificate: ca, interfaceAddresses: ['127.0.0.1'], videoCodecs });
  const receiver = createNodePeer({
    certificate: cb,
    interfaceAddresses: ['127.0.0.1'],
    videoCodecs: receiverCodecs,
  });
  const isKeyframeStart = createKeyframeDetector(source.videoCodec);
  const vp8 = source.videoCodec === 'vp8';
  const subscribedAt = performance.now();
  const viewer = source.addTo(sender);
  let firstPacketAt: number | undefined;
  const video = { packets: 0, keyframes: 0, tsBackwards: 0, picBackwards: 0 };
  let last: { seq: number; ts: number; pic: number } | undefined;
  const seen = new Set<number>();
  let newest = -1; // unwrapped sequence number of the newest packet
  const audio = { packets: 0 };
  let resolveKey: (ms: number) => void = () => undefined;
  const firstKeyframe = new Promise<number>((r) => {
    resolveKey = r;
  });
  let resolveAudio: (t: MediaStreamTrack) => void = () => undefined;
  const audioTrack = new Promise<MediaStreamTrack>((r) => {
    resolveAudio = r;
  });
  receiver.onTrack.subscribe((track) => {
    if (track.kind === 'audio') resolveAudio(track);
    track.onReceiveRtp.subscribe((rtp) => {
      if (track.kind === 'audio') {
        audio.packets++;
        return;
      }
      video.packets++;
      result.payloadTypes.add(rtp.header.payloadType);
      const now = performance.now();
      const { sequenceNumber: seq, timestamp: ts } = rtp.header;
      // ffmpeg's VP8 payload descriptor carries a 15-bit picture ID in bytes 2–3 (RFC 7741 §4.2).
      const pic = (((rtp.payload[2] ?? 0) & 0x7f) << 8) | (rtp.payload[3] ?? 0);
      // Unwrap the 16-bit sequence number around the newest one (RFC 3550 §A.1).
      const unwrapped = newest < 0 ? seq : newest + ((((seq - newest) & 0xffff) ^ 0x8000) - 0x8000);
      seen.add(unwrapped);
      if (unwrapped <= newest) return; // a retransmission (NACK) of an older packet
      newest = unwrapped;
      if (last) {
        if (((ts - last.ts) | 0) < 0) video.tsBackwards++;
        if (vp8 && ((pic - last.pic) & 0x7fff) > 0x4000) video.picBackwards++;
      }
      last = { seq, ts, pic };
      const key = isKeyframeStart(rtp);
      if (firstPacketAt === undefined) {
        firstPacketAt = now;
        result.firstPacketWasKeyframe = key;
        if (!vp8) result.firstPacketNalTypes = h264NalUnitTypes(rtp.payload);
      }
      if (key && video.keyframes++ === 0) {
        result.keyframeAfterFirstPacketMs = now - firstPacketAt;
        resolveKey(now - subscribedAt);
      }
    });
  });
  const result: Watch = {
    sender,
    receiver,
    viewer,
    video,
    audio,
    audioTrack,
    firstKeyframe,
    seqHoles() {
      const first = Math.min(...seen);
      let holes = 0;
      for (let n = first; n <= newest - 100; n++) if (!seen.has(n)) holes++;
      return holes;
    },
    firstPacketWasKeyframe: undefined,
    firstPacketNalTypes: undefined,
    payloadTypes: new Set(),
    keyframeAfterFirstPacketMs: undefined,
    async close() {
      viewer.close();
      await Promise.all([sender.close(), receiver.close()]);
    },
  };
  await negotiate(sender, receiver);
  await waitFor(receiver.connectionStateChange, (s) => s === 'connected', 10_000, 'receiver connected');
  return result;
}

/** Child processes of this process whose command is ffmpeg. */
export function ffmpegChildren(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
      if (m && m[1] === 'ffmpeg' && Number(m[2]) === process.pid) out.push(Number(entry));
    } catch {
      // the process ended while we read the table
    }
  }
  return out;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}
