/**
 * A received werift audio track written to a file through ffmpeg: RTP in on a loopback port described
 * by an SDP file, Ogg/Opus or WAV out. Talk-back from a viewer is
 * recorded this way.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { MediaStreamTrack } from 'werift';
import { FfmpegFailedError, UnsupportedMediaError } from '../errors.js';
import { DEFAULT_FFMPEG, startFfmpeg } from './ffmpeg-process.js';

/** Options of `recordTrack`. */
export interface RecordTrackInit {
  /** Output file: `.wav` is 16-bit PCM, anything else (`.ogg`, `.opus`) Ogg/Opus. */
  path: string;
  /** The ffmpeg binary (default `ffmpeg` on PATH). */
  ffmpeg?: string;
  /** Deadline for ffmpeg to start listening (default 5 000 ms). */
  startTimeoutMs?: number;
}

/** A recording in progress; `close()` ends it and resolves once the file is complete. */
export interface TrackRecorder {
  /** RTP packets handed to ffmpeg so far. */
  packets(): number;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
/** Packets held while ffmpeg starts (about 5 s of 20 ms Opus frames). */
const MAX_PENDING = 250;

/** Record `track` (an incoming Opus track) into `init.path` until `close()`. */
export async function recordTrack(track: MediaStreamTrack, init: RecordTrackInit): Promise<TrackRecorder> {
  const codec = track.codec;
  if (codec?.mimeType.toLowerCase() !== 'audio/opus') {
    throw new UnsupportedMediaError(
      `recordTrack records Opus audio; this track is ${codec?.mimeType ?? 'not negotiated yet'}`,
    );
  }
  const wav = extname(init.path).toLowerCase() === '.wav';
  const port = await freeRtpPort();
  const dir = await mkdtemp(join(tmpdir(), 'lanrtc-rec-'));
  const sdpPath = join(dir, 'in.sdp');
  const pt = codec.payloadType;
  // RFC 7587 §7: Opus is always opus/48000/2 in SDP.
  await writeFile(
    sdpPath,
    `v=0\r\no=- 0 0 IN IP4 ${LOOPBACK}\r\ns=talk-back\r\nc=IN IP4 ${LOOPBACK}\r\nt=0 0\r\nm=audio ${port} RTP/AVP ${pt}\r\na=rtpmap:${pt} opus/48000/2\r\n`,
  );
  const ffmpeg = startFfmpeg(init.ffmpeg ?? DEFAULT_FFMPEG, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-protocol_whitelist',
    'file,udp,rtp',
    // The SDP says everything about the stream: start writing at once instead of probing for 5 s.
    '-analyzeduration',
    '0',
    '-i',
    sdpPath,
    // Ogg keeps the Opus packets as they came (no re-encoding); WAV decodes them.
    ...(wav ? ['-c:a', 'pcm_s16le'] : ['-c:a', 'copy']),
    '-y',
    init.path,
  ]);
  const out: Socket = createSocket('udp4');
  // A send to a loopback port nobody reads is not an error for UDP; anything else is dropped with the
  // packet rather than ending the process as an unhandled 'error' event.
  out.on('error', () => undefined);
  let listening = false;
  let closed = false;
  let sent = 0;
  const pending: Buffer[] = [];
  const send = (b: Buffer) => {
    sent++;
    out.send(b, port, LOOPBACK);
  };
  let last: Buffer | undefined;
  const sub = track.onReceiveRtp.subscribe((rtp) => {
    if (closed) return;
    const b = rtp.serialize();
    last = b;
    if (listening) send(b);
    else if (pending.length < MAX_PENDING) pending.push(b);
  });
  const cleanup = async () => {
    sub.unSubscribe();
    out.close();
    await rm(dir, { recursive: true, force: true });
  };
  // ffmpeg binds the port some time after it starts; packets sent before that would be lost.
  const deadline = Date.now() + (init.startTimeoutMs ?? 5_000);
  while (!(await portBound(port))) {
    const failure = ffmpeg.failure();
    if (failure || Date.now() > deadline) {
      closed = true;
      await ffmpeg.stop();
      await cleanup();
      throw failure ?? new FfmpegFailedError('ffmpeg did not start listening for the recording in time');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  listening = true;
  for (const b of pending.splice(0)) send(b);
  return {
    packets: () => sent,
    async close() {
      if (closed) return;
      closed = true;
      // ffmpeg notices SIGINT only when its blocking read returns (else after a 10 s timeout): a
      // repeated packet (same sequence number, dropped as a duplicate) wakes it until it has exited.
      const wake = last && setInterval(() => out.send(last as Buffer, port, LOOPBACK), 50);
      await ffmpeg.stop();
      if (wake) clearInterval(wake);
      await cleanup();
      const failure = ffmpeg.failure();
      if (failure) throw failure;
    },
  };
}

/** An even UDP port whose RTCP neighbour (+1) is free too (RFC 3550 §11), found by binding both briefly. */
async function freeRtpPort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 20_000);
    if ((await canBind(port)) && (await canBind(port + 1))) return port;
  }
  throw new FfmpegFailedError('no free UDP port pair for the recording');
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, LOOPBACK, () => s.close(() => resolve(true)));
  });
}

/** True when some process has a UDP socket bound to `port` (Linux `/proc/net/udp`). */
async function portBound(port: number): Promise<boolean> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const table = await readFile('/proc/net/udp', 'utf8');
  // Columns: sl, local_address (hex IP:port), …; the sl column is right-aligned, so trim first.
  return table.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex));
}
