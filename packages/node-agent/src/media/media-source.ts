/**
 * A live media source for many viewers: one ffmpeg process encodes the input once (VP8 + Opus RTP to
 * two loopback UDP sockets) and every viewer's werift sender is fed from that shared stream. Adding or
 * removing a viewer never touches the encoder; a new viewer starts at the cached last keyframe.
 * One file because the source, its sockets and its viewers share one lifecycle.
 */
import { createSocket, type Socket } from 'node:dgram';
import { MediaStream, MediaStreamTrack, type RTCPeerConnection, type RTCRtpSender, RtpPacket } from 'werift';
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
import { defaultMediaInput, type MediaInput } from './media-input.js';
import { type MediaSnapshot, SnapshotStore } from './snapshot-store.js';
import { VideoSplicer } from './video-splicer.js';
import { isVp8KeyframeStart } from './vp8-keyframe.js';

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

/** One viewer's senders on its peer connection. */
export interface MediaViewer {
  readonly video: RTCRtpSender;
  readonly audio: RTCRtpSender | undefined;
  /** ms from `addTo` to the first keyframe packet handed to this viewer's sender, once it happened. */
  keyframeAfterMs(): number | undefined;
  /** Stop feeding this viewer and remove its tracks from the connection (the source keeps running). */
  close(): void;
}

/**
 * A running source: `addTo(pc)` adds a viewer, `snapshot()` gives the current picture as a JPEG,
 * `close()` ends ffmpeg and every viewer.
 */
export interface MediaSource {
  readonly input: MediaInput;
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

interface Feed {
  onVideo(packet: Buffer, keyframeStart: boolean): void;
  onAudio(packet: Buffer): void;
  close(): void;
}

const LOOPBACK = '127.0.0.1';
/** RTCP payload-specific feedback (RFC 4585 §6.1) and its FIR format (RFC 5104 §4.3.1). */
const RTCP_PSFB = 206;
const FMT_FIR = 4;
/** A viewer's keyframe requests answered at most this often (Chromium repeats PLIs while it waits). */
const KEYFRAME_REQUEST_MIN_INTERVAL_MS = 1_000;

/** Start ffmpeg on `init.input` and resolve once its first video packet arrived. */
export async function createMediaSource(init: MediaSourceInit = {}): Promise<MediaSource> {
  const input = init.input ?? defaultMediaInput();
  validateInit(init, input);
  const fps = init.fps ?? 30;
  const replayKeyframe = init.replayKeyframe ?? true;
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
    const key = isVp8KeyframeStart(rtp.payload);
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
      const viewer = createViewer(pc, audio && ffmpegSendsAudio(input), {
        gop: replayKeyframe ? gop : undefined,
        onPli: () => counts.pli++,
        onClose: (f) => feeds.delete(f),
      });
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

/** A viewer's tracks and the feed that writes the shared packets into them once its senders can send. */
function createViewer(
  pc: RTCPeerConnection,
  withAudio: boolean,
  ctx: { gop: GopCache | undefined; onPli(): void; onClose(f: Feed): void },
): { viewer: MediaViewer; feed: Feed } {
  const videoTrack = new MediaStreamTrack({ kind: 'video' });
  const audioTrack = withAudio ? new MediaStreamTrack({ kind: 'audio' }) : undefined;
  const stream = new MediaStream(audioTrack ? [videoTrack, audioTrack] : [videoTrack]);
  const video = addSendOnly(pc, videoTrack, stream);
  const audio = audioTrack ? addSendOnly(pc, audioTrack, stream) : undefined;
  const added = performance.now();
  const splicer = new VideoSplicer();
  let keyframeAt: number | undefined;
  let started = false;
  let closed = false;
  let lastSplice = Number.NEGATIVE_INFINITY;
  // werift drops what a sender is given before DTLS is up and the codec negotiated.
  const ready = (s: RTCRtpSender) => s.codec !== undefined && s.transport?.state === 'connected';
  // A new viewer gets the GOP with its encoded timestamps, which the live packets continue (Chromium
  // decoded it at once); a splice into a running stream squeezes them (see GopCache.replay).
  const sendGop = (splice: boolean): boolean => {
    const cached = ctx.gop?.replay(splice) ?? [];
    if (cached.length === 0) return false;
    keyframeAt ??= performance.now() - added;
    for (const p of splicer.splice(cached)) videoTrack.writeRtp(p);
    return true;
  };
  // A keyframe request (PLI, RFC 4585 §6.3.1; FIR, RFC 5104 §4.3.1) cannot reach ffmpeg: the viewer
  // gets the cached GOP again, spliced into its stream, at most once per second.
  const onKeyframeRequest = () => {
    ctx.onPli();
    const now = performance.now();
    if (!started || closed || now - lastSplice < KEYFRAME_REQUEST_MIN_INTERVAL_MS) return;
    if (sendGop(true)) lastSplice = now;
  };
  const pliSub = video.onPictureLossIndication.subscribe(onKeyframeRequest);
  const firSub = video.onRtcp.subscribe((rtcp) => {
    if (rtcp.type === RTCP_PSFB && (rtcp as { feedback?: { count?: number } }).feedback?.count === FMT_FIR) {
      onKeyframeRequest();
    }
  });
  const feed: Feed = {
    onVideo(packet, keyframeStart) {
      if (!started) {
        if (!ready(video)) return;
        started = true;
        // The cache already holds `packet` (pushed before the feeds run).
        if (sendGop(false)) return;
      }
      if (keyframeStart) keyframeAt ??= performance.now() - added;
      videoTrack.writeRtp(splicer.rewrite(RtpPacket.deSerialize(packet)));
    },
    onAudio(packet) {
      if (audioTrack && audio && ready(audio)) audioTrack.writeRtp(packet);
    },
    close() {
      if (closed) return;
      closed = true;
      pliSub.unSubscribe();
      firSub.unSubscribe();
      ctx.onClose(feed);
      videoTrack.stop();
      audioTrack?.stop();
      // A closed connection has nothing left to renegotiate.
      if (pc.connectionState !== 'closed') {
        for (const s of [video, audio]) if (s) pc.removeTrack(s);
      }
    },
  };
  return {
    feed,
    viewer: { video, audio, keyframeAfterMs: () => keyframeAt, close: () => feed.close() },
  };
}

/**
 * `addTrack` (so a transceiver the remote offered is reused), then send-only: werift 0.24.4 routes
 * feedback by the sender SSRC first, so on a sendrecv transceiver a viewer's PLI reached the local
 * receiver instead of this sender (measured: no PLI arrived).
 */
function addSendOnly(pc: RTCPeerConnection, track: MediaStreamTrack, stream: MediaStream): RTCRtpSender {
  const sender = pc.addTrack(track, stream);
  const transceiver = pc.getTransceivers().find((t) => t.sender === sender);
  if (transceiver?.direction === 'sendrecv') transceiver.setDirection('sendonly');
  return sender;
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
