/**
 * Where `playTrack` sends sound: an ffmpeg audio output device (PulseAudio, ALSA or OSS), and which
 * of them this machine can open, found by playing a moment of silence to each in turn.
 */
import { AudioOutputUnavailableError, FfmpegNotFoundError } from '../errors.js';
import { startFfmpeg } from './ffmpeg-process.js';

/** An ffmpeg audio output: `kind` is its output format, `device` its device name (default per kind). */
export interface AudioOutput {
  kind: 'pulse' | 'alsa' | 'oss';
  /** Default: `default` for PulseAudio and ALSA, `/dev/dsp` for OSS. */
  device?: string;
}

/** Tried in this order when no output is given: a sound server first, then the card, then OSS. */
export const DEFAULT_AUDIO_OUTPUTS: readonly Required<AudioOutput>[] = [
  { kind: 'pulse', device: 'default' },
  { kind: 'alsa', device: 'default' },
  { kind: 'oss', device: '/dev/dsp' },
];

const DEFAULT_DEVICE: Record<AudioOutput['kind'], string> = {
  pulse: 'default',
  alsa: 'default',
  oss: '/dev/dsp',
};
/** A device that neither opens nor fails in this long (a sound server that does not answer) counts as failed. */
const PROBE_TIMEOUT_MS = 3_000;

/** The output with its device filled in. */
export function withDefaultDevice(output: AudioOutput): Required<AudioOutput> {
  return { kind: output.kind, device: output.device ?? DEFAULT_DEVICE[output.kind] };
}

/** ffmpeg's output arguments for `output` (decoded to 16-bit PCM, which all three take). */
export function audioOutputArgs(output: Required<AudioOutput>): string[] {
  return ['-c:a', 'pcm_s16le', '-f', output.kind, output.device];
}

/**
 * The first of `candidates` ffmpeg can play to, by playing 50 ms of silence to each: ffmpeg opens an
 * output device only when the first decoded audio reaches it, so this is the one way to learn it
 * before the stream starts. None: `AudioOutputUnavailableError` naming each and ffmpeg's reason.
 */
export async function findAudioOutput(
  bin: string,
  candidates: readonly Required<AudioOutput>[],
): Promise<Required<AudioOutput>> {
  const tried: string[] = [];
  for (const output of candidates) {
    const probe = startFfmpeg(bin, [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
      ...['-f', 'lavfi', '-i', 'anullsrc=sample_rate=48000:channel_layout=stereo', '-t', '0.05'],
      ...audioOutputArgs(output),
    ]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      probe.exited.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), PROBE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) await probe.stop(200);
    const failure = probe.failure();
    if (failure instanceof FfmpegNotFoundError) throw failure;
    if (!timedOut && probe.exitCode() === 0) return output;
    const reason = timedOut ? `no answer in ${PROBE_TIMEOUT_MS} ms` : lastLine(failure?.message);
    tried.push(`${output.kind} "${output.device}" (${reason})`);
  }
  throw new AudioOutputUnavailableError(`no audio output ffmpeg can open; tried ${tried.join('; ')}`);
}

/** ffmpeg's reason, from the end of its log that FfmpegFailedError carries. */
function lastLine(message: string | undefined): string {
  const tail = message?.split(': ').slice(1).join(': ') ?? '';
  const line = tail.split(' | ').find((l) => /cannot|could not|no such|denied|refused|error/i.test(l));
  // Drop ffmpeg's "[alsa @ 0x55…] " context prefix: an address says nothing to the reader.
  return (line ?? tail).replace(/^\[[^\]]*\]\s*/, '') || 'failed';
}
