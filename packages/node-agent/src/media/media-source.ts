/**
 * A live media source for many viewers: one ffmpeg process encodes the input once (VP8 or H.264, and
 * Opus, as RTP to two loopback UDP sockets) and every viewer's werift sender is fed from that shared stream. Adding or
 * removing a viewer never touches the encoder; a new viewer starts at the cached last keyframe.
 * One file because the source, its sockets and its viewers share one lifecycle.
 */
import { createSocket, type Socket } from 'node:dgram';
import { type RTCPeerConnection, RtpPacket } from 'werift';
import {
  FfmpegFailedError,
  InvalidMediaOptionsError,
  MediaClosedError,
  SnapshotsDisabledError,
} from '../errors.js';
import { DEFAULT_FFMPEG, type FfmpegProcess, startFfmpeg } from './ffmpeg-process.js';
import { ffmpegSourceArgs } from './ffmpeg-source-args.js';
import { GopCache } from './gop-cache.js';
import { JpegSplitter } from './jpeg-splitter.js';
import { createKeyframeDetector } from './keyframe-detector.js';
import { defaultMediaInput, type MediaInput } from './media-input.js';
import { createViewer, type Feed, type MediaViewer } from './media-viewer.js';
import { type MediaSnapshot, SnapshotStore } from './snapshot-store.js';
import { VIDEO_CODEC_NAMES, type VideoCodecName } from './video-codec.js';

/** Options of `createMediaSource`; every one has a default. */
export interface MediaSourceInit {
  /** Default: `/dev/video0` when present, else a test pattern (640×480 testsrc + 440 Hz tone). */
  input?: MediaInput;
  width?: number;
  height?: number;
  fps?: number;
  /** ffmpeg bitrate syntax (default `1M`). */
  videoBitrate?: string;
  /** Seconds between scheduled keyframes (default 1): bounds recovery after loss. */
  keyframeIntervalS?: number;
  /**
   * `vp8` (default, libvpx) or `h264` (libx264 Constrained Baseline, packetization mode 1): a viewer's
   * connection must negotiate it (`createNodePeer({ videoCodecs })`), else `addTo` throws
   * `UnsupportedMediaError`.
   */
  videoCodec?: VideoCodecName;
  /** Give a new viewer the cached GOP from the last keyframe first (default true). */
  replayKeyframe?: boolean;
  /** Send Opus audio (default true; a camera needs `audioDevice`). */
  audio?: boolean;
  /** The ffmpeg binary (default `ffmpeg` on PATH). */
  ffmpeg?: string;
  /** Deadline for the first video packet (default 10 000 ms). */
  startTimeoutMs?: number;
  /**
   * JPEG snapshots for `snapshot()`, encoded by the same ffmpeg from the same input (default on:
   * the video's size, every 500 ms); `false` turns the second output off.
   */
  snapshots?: boolean | MediaSnapshotOptions;
}

/** Size and rate of a source's JPEG snapshots. */
export interface MediaSnapshotOptions {
  /** Default: the video's width. */
  width?: number;
  /** Default: the video's height. */
  height?: number;
  /** ms between snapshots (default 500, from 100 to 60 000): the most a snapshot can be old. */
  intervalMs?: number;
}

/** Counters of a source, for tests and monitoring. */
export interface MediaSourceStats {
  pid: number | undefined;
  videoPackets: number;
  audioPackets: number;
  keyframes: number;
  /** Keyframe requests (PLI RFC 4585 §6.3.1, FIR RFC 5104 §4.3.1) received from all viewers. */
  pli: number;
  viewers: number;
}

/**
 * A running source: `addTo(pc)` adds a viewer, `snapshot()` gives the current picture as a JPEG,
 * `close()` ends ffmpeg and every viewer.
 */
export interface MediaSource {
  readonly input: MediaInput;
  /** The video codec every viewer gets. */
  readonly videoCodec: VideoCodecName;
  /**
   * Add send-only video (+ audio) tracks fed from this source to `pc`; `UnsupportedMediaError` when
   * `pc` cannot negotiate the source's video codec or the remote's pending offer lacks it.
   */
  addTo(pc: RTCPeerConnection): MediaViewer;
  /**
   * The newest JPEG of the picture and when it was made, from the same ffmpeg (no second camera open);
   * waits up to `timeoutMs` (default 5 000) for the first one: `SnapshotTimeoutError`. After
   * `close()`: `MediaClosedError`; with `snapshots: false`: `SnapshotsDisabledError`.
   */
  snapshot(timeoutMs?: number): Promise<MediaSnapshot>;
  stats(): MediaSourceStats;
  /** Settles when the source ended: with ffmpeg's failure, or undefined after `close()`. */
  readonly ended: Promise<Error | undefined>;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
/** Start ffmpeg on `init.input` and resolve once its first video packet arrived. */
export async function createMediaSource(init: MediaSourceInit = {}): Promise<MediaSource> {
  const input = init.input ?? defaultMediaInput();
  validateInit(init, input);
  const fps = init.fps ?? 30;
  const replayKeyframe = init.replayKeyframe ?? true;
  const videoCodec = init.videoCodec ?? 'vp8';
  const audio = init.audio ?? true;
  const width = init.width ?? 640;
  const height = init.height ?? 480;
  const snap = init.snapshots === false ? undefined : init.snapshots === true ? {} : (init.snapshots ?? {});
  const [videoSocket, audioSocket] = await Promise.all([bindLoopback(), bindLoopback()]);
  const args = ffmpegSourceArgs(
    input,
    {
      width,
      height,
      fps,
      videoBitrate: init.videoBitrate ?? '1M',
      gop: Math.max(1, Math.round((init.keyframeIntervalS ?? 1) * fps)),
      videoCodec,
      audio,
      snapshot: snap && {
        width: snap.width ?? width,
        height: snap.height ?? height,
        intervalMs: snap.intervalMs ?? 500,
      },
    },
    LOOPBACK,
    videoSocket.address().port,
    audioSocket.address().port,
  );
  const snapshots = new SnapshotStore();
  const splitter = new JpegSplitter();
  const ffmpeg: FfmpegProcess = startFfmpeg(
    init.ffmpeg ?? DEFAULT_FFMPEG,
    args,
    snap &&
      ((chunk) => {
        for (const jpeg of splitter.push(chunk)) snapshots.put(jpeg);
      }),
  );
  const gop = new GopCache();
  const isKeyframeStart = createKeyframeDetector(videoCodec);
  const feeds = new Set<Feed>();
  const counts = { videoPackets: 0, audioPackets: 0, keyframes: 0, pli: 0 };
  let closed = false;
  let resolveEnded: (e: Error | undefined) => void = () => undefined;
  const ended = new Promise<Error | undefined>((r) => {
    resolveEnded = r;
  });

  // Loopback receive sockets hardly fail, but an unhandled 'error' event would end the process.
  for (const socket of [videoSocket, audioSocket]) socket.on('error', (e) => void shutdown(e));
  videoSocket.on('message', (packet) => {
    const rtp = tryParse(packet);
    if (!rtp) return;
    counts.videoPackets++;
    const key = isKeyframeStart(rtp);
    if (key) counts.keyframes++;
    if (replayKeyframe) gop.push(packet, key);
    for (const f of feeds) f.onVideo(packet, key);
  });
  audioSocket.on('message', (packet) => {
    counts.audioPackets++;
    for (const f of feeds) f.onAudio(packet);
  });

  const shutdown = async (reason: Error | undefined) => {
    if (closed) return;
    closed = true;
    for (const f of [...feeds]) f.close();
    snapshots.close();
    await ffmpeg.stop();
    videoSocket.close();
    audioSocket.close();
    gop.clear();
    resolveEnded(reason);
  };
  void ffmpeg.exited.then(() => shutdown(ffmpeg.failure()));

  const firstPacket = new Promise<void>((resolve) => videoSocket.once('message', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), init.startTimeoutMs ?? 10_000);
  });
  const first = await Promise.race([firstPacket, ffmpeg.exited.then(() => 'exited' as const), deadline]);
  clearTimeout(timer);
  if (first !== undefined) {
    const failure =
      ffmpeg.failure() ?? new FfmpegFailedError('ffmpeg sent no video before the start deadline');
    await shutdown(failure);
    throw failure;
  }

  return {
    input,
    videoCodec,
    ended,
    stats: () => ({ pid: ffmpeg.pid, ...counts, viewers: feeds.size }),
    close: () => shutdown(undefined),
    snapshot(timeoutMs = 5_000) {
      if (closed) return Promise.reject(new MediaClosedError('the media source is closed'));
      if (!snap)
        return Promise.reject(new SnapshotsDisabledError('this source was created with snapshots: false'));
      return snapshots.get(timeoutMs);
    },
    addTo(pc) {
      if (closed) throw new MediaClosedError('the media source is closed');
      const viewer = createViewer(
        pc,
        { codec: videoCodec, audio: audio && ffmpegSendsAudio(input) },
        {
          gop: replayKeyframe ? gop : undefined,
          onPli: () => counts.pli++,
          onClose: (f) => feeds.delete(f),
        },
      );
      feeds.add(viewer.feed);
      return viewer.viewer;
    },
  };
}

/** Options ffmpeg would reject or misread are refused before it starts. */
function validateInit(init: MediaSourceInit, input: MediaInput): void {
  const bad = (what: string) => {
    throw new InvalidMediaOptionsError(`invalid media option: ${what}`);
  };
  for (const [name, value, max] of [
    ['width', init.width, 7680],
    ['height', init.height, 4320],
    ['fps', init.fps, 240],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 2 && value <= max)) {
      bad(`${name} must be an integer from 2 to ${max}`);
    }
  }
  if (typeof init.snapshots === 'object') {
    const { width, height, intervalMs } = init.snapshots;
    for (const [name, value, max] of [
      ['snapshots.width', width, 7680],
      ['snapshots.height', height, 4320],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 2 && value <= max)) {
        bad(`${name} must be an integer from 2 to ${max}`);
      }
    }
    if (
      intervalMs !== undefined &&
      !(Number.isInteger(intervalMs) && intervalMs >= 100 && intervalMs <= 60_000)
    )
      bad('snapshots.intervalMs must be an integer from 100 to 60000');
  }
  if (init.videoCodec !== undefined && !VIDEO_CODEC_NAMES.includes(init.videoCodec)) {
    bad(`videoCodec must be one of ${VIDEO_CODEC_NAMES.join(', ')}`);
  }
  const k = init.keyframeIntervalS;
  if (k !== undefined && !(Number.isFinite(k) && k > 0 && k <= 60))
    bad('keyframeIntervalS must be in (0, 60]');
  if (init.videoBitrate !== undefined && !/^\d+(\.\d+)?[kM]?$/.test(init.videoBitrate)) {
    bad('videoBitrate must look like 800k, 1M or 1500000');
  }
  if (input.kind === 'file' && input.path === '') bad('input.path is empty');
  if (input.kind === 'camera' && (input.device === '' || input.audioDevice === ''))
    bad('an empty device name');
}

function ffmpegSendsAudio(input: MediaInput): boolean {
  return input.kind !== 'camera' || input.audioDevice !== undefined;
}

function tryParse(packet: Buffer): RtpPacket | undefined {
  try {
    return RtpPacket.deSerialize(packet);
  } catch {
    return undefined; // not RTP: only ffmpeg writes to this loopback port, so ignore it
  }
}

function bindLoopback(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, LOOPBACK, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}
