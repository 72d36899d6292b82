/**
 * A received werift audio track played through ffmpeg to an audio output (see `track-pipe.ts` and
 * `audio-output.ts`): a viewer's talk-back heard at the device.
 */
import type { MediaStreamTrack } from 'werift';
import {
  type AudioOutput,
  audioOutputArgs,
  DEFAULT_AUDIO_OUTPUTS,
  findAudioOutput,
  withDefaultDevice,
} from './audio-output.js';
import { DEFAULT_FFMPEG } from './ffmpeg-process.js';
import { opusCodecOf, pipeTrackToFfmpeg } from './track-pipe.js';

/** Options of `playTrack`. */
export interface PlayTrackInit {
  /** Default: the first of PulseAudio `default`, ALSA `default`, OSS `/dev/dsp` that opens. */
  output?: AudioOutput;
  /** The ffmpeg binary (default `ffmpeg` on PATH). */
  ffmpeg?: string;
  /** Deadline for ffmpeg to start listening (default 5 000 ms). */
  startTimeoutMs?: number;
}

/** Playback in progress. */
export interface TrackPlayer {
  /** The output it plays to. */
  readonly output: Required<AudioOutput>;
  /** RTP packets handed to ffmpeg so far. */
  packets(): number;
  /** Settles when playback ended: ffmpeg's failure (e.g. the device went away), or undefined after `close()`. */
  readonly ended: Promise<Error | undefined>;
  close(): Promise<void>;
}

/**
 * Play `track` (an incoming Opus track) until `close()`. No output that opens:
 * `AudioOutputUnavailableError` (each output tried, with ffmpeg's reason); another codec:
 * `UnsupportedMediaError`; no ffmpeg: `FfmpegNotFoundError`.
 */
export async function playTrack(track: MediaStreamTrack, init: PlayTrackInit = {}): Promise<TrackPlayer> {
  opusCodecOf(track, 'playTrack'); // before any output is probed
  const bin = init.ffmpeg ?? DEFAULT_FFMPEG;
  const output = await findAudioOutput(
    bin,
    init.output ? [withDefaultDevice(init.output)] : DEFAULT_AUDIO_OUTPUTS,
  );
  const pipe = await pipeTrackToFfmpeg(track, {
    what: 'playTrack',
    outputArgs: audioOutputArgs(output),
    ffmpeg: bin,
    startTimeoutMs: init.startTimeoutMs,
  });
  return { output, packets: pipe.packets, ended: pipe.ended, close: pipe.close };
}
