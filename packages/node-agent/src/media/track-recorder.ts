/**
 * A received werift audio track written to a file through ffmpeg (see `track-pipe.ts`): Ogg/Opus or
 * WAV out. Talk-back from a viewer is recorded this way.
 */
import { extname } from 'node:path';
import type { MediaStreamTrack } from 'werift';
import { pipeTrackToFfmpeg } from './track-pipe.js';

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

/** Record `track` (an incoming Opus track) into `init.path` until `close()`. */
export async function recordTrack(track: MediaStreamTrack, init: RecordTrackInit): Promise<TrackRecorder> {
  const wav = extname(init.path).toLowerCase() === '.wav';
  const pipe = await pipeTrackToFfmpeg(track, {
    what: 'recordTrack',
    // Ogg keeps the Opus packets as they came (no re-encoding); WAV decodes them.
    outputArgs: [...(wav ? ['-c:a', 'pcm_s16le'] : ['-c:a', 'copy']), '-y', init.path],
    ffmpeg: init.ffmpeg,
    startTimeoutMs: init.startTimeoutMs,
  });
  return { packets: pipe.packets, close: pipe.close };
}
