/**
 * A received werift Opus track fed to an ffmpeg process: RTP in on a loopback port described by an
 * SDP file, whatever output the caller's arguments name (a file for `recordTrack`, an audio device
 * for `playTrack`). Packets that arrive while ffmpeg starts are held, not lost.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaStreamTrack, RTCRtpCodecParameters } from 'werift';
import { FfmpegFailedError, UnsupportedMediaError } from '../errors.js';
import { DEFAULT_FFMPEG, startFfmpeg } from './ffmpeg-process.js';

/** What the pipe needs besides the track. */
export interface TrackPipeInit {
  /** The operation, for error messages (`recordTrack`, `playTrack`). */
  what: string;
  /** ffmpeg arguments after the input: codec options and the output. */
  outputArgs: readonly string[];
  /** The ffmpeg binary (default `ffmpeg` on PATH). */
  ffmpeg?: string | undefined;
  /** Deadline for ffmpeg to start listening (default 5 000 ms). */
  startTimeoutMs?: number | undefined;
}

/** A running pipe: packets handed to ffmpeg so far, its end, and `close()`. */
export interface TrackPipe {
  packets(): number;
  /** Settles when ffmpeg ended: with its failure if it exited by itself, undefined after `close()`. */
  readonly ended: Promise<Error | undefined>;
  /** Stop feeding ffmpeg and let it finish its output (SIGINT); rejects with its failure, if any. */
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
/** Packets held while ffmpeg starts (about 5 s of 20 ms Opus frames). */
const MAX_PENDING = 250;

/** The track's Opus codec, or `UnsupportedMediaError` naming `what` (the operation) and what the track is. */
export function opusCodecOf(track: MediaStreamTrack, what: string): RTCRtpCodecParameters {
  const codec = track.codec;
  if (codec?.mimeType.toLowerCase() !== 'audio/opus') {
    throw new UnsupportedMediaError(
      `${what} takes Opus audio; this track is ${codec?.mimeType ?? `${track.kind}, not negotiated yet`}`,
    );
  }
  return codec;
}

/** Start ffmpeg reading `track` (Opus only: `UnsupportedMediaError`) and resolve once it listens. */
export async function pipeTrackToFfmpeg(track: MediaStreamTrack, init: TrackPipeInit): Promise<TrackPipe> {
  const codec = opusCodecOf(track, init.what);
  const port = await freeRtpPort();
  const dir = await mkdtemp(join(tmpdir(), 'lanrtc-track-'));
  const sdpPath = join(dir, 'in.sdp');
  const pt = codec.payloadType;
  // RFC 7587 §7: Opus is always opus/48000/2 in SDP.
  await writeFile(
    sdpPath,
    `v=0\r\no=- 0 0 IN IP4 ${LOOPBACK}\r\ns=track\r\nc=IN IP4 ${LOOPBACK}\r\nt=0 0\r\nm=audio ${port} RTP/AVP ${pt}\r\na=rtpmap:${pt} opus/48000/2\r\n`,
  );
  const ffmpeg = startFfmpeg(init.ffmpeg ?? DEFAULT_FFMPEG, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-protocol_whitelist',
    'file,udp,rtp',
    // The SDP says everything about the stream: start at once instead of probing for 5 s.
    '-analyzeduration',
    '0',
    '-i',
    sdpPath,
    ...init.outputArgs,
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
  let cleaned: Promise<void> | undefined;
  const cleanup = () => {
    cleaned ??= (async () => {
      closed = true;
      listening = false;
      sub.unSubscribe();
      out.close();
      await rm(dir, { recursive: true, force: true });
    })();
    return cleaned;
  };
  // ffmpeg gone by itself (its output failed, or it was killed): stop feeding it.
  const ended = ffmpeg.exited.then(async () => {
    await cleanup();
    return ffmpeg.failure();
  });
  // ffmpeg binds the port some time after it starts; packets sent before that would be lost.
  const deadline = Date.now() + (init.startTimeoutMs ?? 5_000);
  while (!(await portBound(port))) {
    const failure = ffmpeg.failure();
    if (failure || Date.now() > deadline) {
      await ffmpeg.stop();
      await cleanup();
      throw failure ?? new FfmpegFailedError(`ffmpeg did not start listening for ${init.what} in time`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  listening = true;
  for (const b of pending.splice(0)) send(b);
  let closing: Promise<void> | undefined;
  return {
    packets: () => sent,
    ended,
    close() {
      closing ??= (async () => {
        closed = true;
        // ffmpeg notices SIGINT only when its blocking read returns (else after a 10 s timeout): a
        // repeated packet (same sequence number, dropped as a duplicate) wakes it until it has exited.
        const wake = setInterval(() => {
          if (last && !cleaned) out.send(last, port, LOOPBACK);
        }, 50);
        await ffmpeg.stop();
        clearInterval(wake);
        await cleanup();
        const failure = ffmpeg.failure();
        if (failure) throw failure;
      })();
      return closing;
    },
  };
}

/** An even UDP port whose RTCP neighbour (+1) is free too (RFC 3550 §11), found by binding both briefly. */
async function freeRtpPort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 20_000);
    if ((await canBind(port)) && (await canBind(port + 1))) return port;
  }
  throw new FfmpegFailedError('no free UDP port pair for ffmpeg');
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
