/**
 * Which packet of a video RTP stream starts a keyframe's access unit, per codec: the packet a new
 * viewer's stream (and the GOP cache) must begin with.
 */
import type { RtpPacket } from 'werift';
import { isH264KeyframeStart } from './h264-keyframe.js';
import type { VideoCodecName } from './video-codec.js';
import { isVp8KeyframeStart } from './vp8-keyframe.js';

/** Returns true for the first packet of each keyframe in the order the packets are given. */
export type KeyframeDetector = (rtp: RtpPacket) => boolean;

/**
 * A detector for `codec`. VP8 marks the one first packet of a key frame (RFC 7741 §4.3). An H.264
 * keyframe spans several packets that each look like a start (SPS/PPS, then one FU-A start per IDR
 * slice), so only the first of them in an access unit counts: a later one with the same RTP timestamp
 * (RFC 6184 §5.1: one timestamp per access unit) continues the keyframe already started.
 */
export function createKeyframeDetector(codec: VideoCodecName): KeyframeDetector {
  if (codec === 'vp8') return (rtp) => isVp8KeyframeStart(rtp.payload);
  let keyTimestamp: number | undefined;
  return (rtp) => {
    if (!isH264KeyframeStart(rtp.payload)) return false;
    if (rtp.header.timestamp === keyTimestamp) return false;
    keyTimestamp = rtp.header.timestamp;
    return true;
  };
}
