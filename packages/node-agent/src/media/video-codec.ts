/**
 * The video codecs a media source can send and how they appear in werift's codec lists and in SDP:
 * VP8 (RFC 7741) and H.264 in packetization mode 1 (RFC 6184 §8.1).
 */
import { type RTCRtpCodecParameters, useH264, useVP8 } from 'werift';

/** A video codec of a media source and of `createNodePeer`'s `videoCodecs`. */
export type VideoCodecName = 'vp8' | 'h264';

/** Every name `VideoCodecName` allows, for validating untyped input. */
export const VIDEO_CODEC_NAMES: readonly VideoCodecName[] = ['vp8', 'h264'];

/**
 * H.264 as Chromium offers it: Constrained Baseline level 3.1 (`42e01f`, RFC 6184 §8.1
 * profile-level-id), non-interleaved mode with FU-A and STAP-A (`packetization-mode=1`, what ffmpeg's
 * RTP muxer sends), and a level that may differ per direction (`level-asymmetry-allowed=1`).
 */
export const H264_FMTP = 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f';

/** werift codec parameters for `name` (payload type left for werift to assign). */
export function weriftVideoCodec(name: VideoCodecName): RTCRtpCodecParameters {
  // SDP subtype names are case-insensitive (RFC 4855 §3); `H264` is how browsers write it.
  return name === 'h264' ? useH264({ mimeType: 'video/H264', parameters: H264_FMTP }) : useVP8();
}

/**
 * True when `codec` (local or negotiated) is `name` in a form the source's stream fits: for H.264 it
 * must be packetization mode 1, since mode 0 forbids the FU-A and STAP-A packets ffmpeg sends (§6.2).
 */
export function isVideoCodec(codec: RTCRtpCodecParameters, name: VideoCodecName): boolean {
  const mime = codec.mimeType.toLowerCase();
  if (name === 'vp8') return mime === 'video/vp8';
  if (mime !== 'video/h264') return false;
  return /(^|;)\s*packetization-mode=1\s*(;|$)/.test(codec.parameters ?? '');
}
