/**
 * The ffmpeg command line of a media source: one input (camera, file or generated test pattern),
 * VP8 or H.264 video and Opus audio out as RTP to two local UDP ports. One process for both, so a camera is
 * opened once however many viewers watch.
 */
import type { MediaInput } from './media-input.js';
import type { VideoCodecName } from './video-codec.js';

/** Encoder settings the source passes to ffmpeg. */
export interface SourceEncoding {
  width: number;
  height: number;
  fps: number;
  /** ffmpeg bitrate syntax, e.g. `1M`. */
  videoBitrate: string;
  /** Frames between scheduled keyframes. */
  gop: number;
  videoCodec: VideoCodecName;
  audio: boolean;
  /** A JPEG of the picture this often, at this size, to stdout (`image2pipe`); absent: none. */
  snapshot?: { width: number; height: number; intervalMs: number } | undefined;
}

/** RTP packets stay under a typical 1500-byte MTU with SRTP and header extensions added by werift. */
const PKT_SIZE = 1200;

/** The argument list (without the binary) that sends `input` as RTP to `host:videoPort` / `host:audioPort`. */
export function ffmpegSourceArgs(
  input: MediaInput,
  enc: SourceEncoding,
  host: string,
  videoPort: number,
  audioPort: number,
): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
  const size = `${enc.width}x${enc.height}`;
  let audioIndex = 0;
  if (input.kind === 'test-pattern') {
    args.push('-re', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${enc.fps}`);
    if (enc.audio) args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
    audioIndex = 1;
  } else if (input.kind === 'camera') {
    args.push('-f', 'v4l2', '-framerate', String(enc.fps), '-video_size', size, '-i', input.device);
    if (enc.audio && input.audioDevice !== undefined) args.push('-f', 'alsa', '-i', input.audioDevice);
    audioIndex = 1;
  } else {
    if (input.loop !== false) args.push('-stream_loop', '-1');
    args.push('-re', '-i', input.path);
    audioIndex = 0;
  }
  const withAudio = enc.audio && (input.kind !== 'camera' || input.audioDevice !== undefined);
  args.push(
    '-map',
    '0:v:0',
    ...videoEncoder(enc.videoCodec),
    '-b:v',
    enc.videoBitrate,
    '-g',
    String(enc.gop),
    '-keyint_min',
    String(enc.gop),
    '-vf',
    `scale=${enc.width}:${enc.height},format=yuv420p`,
    '-r',
    String(enc.fps),
    '-f',
    'rtp',
    '-payload_type',
    '96',
    `rtp://${host}:${videoPort}?pkt_size=${PKT_SIZE}`,
  );
  if (withAudio) {
    args.push(
      '-map',
      `${audioIndex}:a:0`,
      '-c:a',
      'libopus',
      '-b:a',
      '64k',
      '-ar',
      '48000',
      '-ac',
      '2',
      '-f',
      'rtp',
      '-payload_type',
      '111',
      `rtp://${host}:${audioPort}?pkt_size=${PKT_SIZE}`,
    );
  }
  if (enc.snapshot) {
    const { width, height, intervalMs } = enc.snapshot;
    // A second output of the same decoded input: the camera stays opened once. `fps` drops frames
    // before the JPEG encoder, so its cost scales with the snapshot rate, not the video rate.
    args.push(
      '-map',
      '0:v:0',
      '-vf',
      `fps=1000/${intervalMs},scale=${width}:${height}`,
      '-c:v',
      'mjpeg',
      '-q:v',
      '5',
      '-f',
      'image2pipe',
      'pipe:1',
    );
  }
  return args;
}

/**
 * Encoder options for a live stream. H.264: Constrained Baseline (what every WebRTC H.264 decoder
 * takes, RFC 6184 §8.1 `42e0..`), no lookahead or B-frames (`zerolatency`), the cheapest preset.
 * ffmpeg's RTP muxer then sends packetization mode 1 (FU-A, STAP-A) with SPS/PPS in-band before
 * every IDR picture, since the RTP output asks for no global header.
 */
function videoEncoder(codec: VideoCodecName): string[] {
  if (codec === 'h264') {
    return ['-c:v', 'libx264', '-profile:v', 'baseline', '-tune', 'zerolatency', '-preset', 'ultrafast'];
  }
  return ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8'];
}
