/**
 * recordTrack with real ffmpeg: the Opus track a werift receiver gets from a source (the test
 * pattern's 440 Hz tone) is written to Ogg/Opus and WAV files that ffprobe reads as audio with a
 * duration and ffmpeg's volumedetect measures as not silent. Runs inside the private network namespace.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMediaSource, recordTrack } from '../../src/index.js';
import { IN_NETNS } from '../peer/pair.js';
import { ffmpegChildren, watch } from './support.js';

/** `{ codec, duration }` of a file's first audio stream, read by ffprobe. */
function probe(path: string): { codec: string; duration: number } {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'a:0',
    '-show_entries',
    'stream=codec_name:format=duration',
    '-of',
    'json',
    path,
  ]).toString();
  const json = JSON.parse(out) as { streams?: { codec_name?: string }[]; format?: { duration?: string } };
  return { codec: json.streams?.[0]?.codec_name ?? '', duration: Number(json.format?.duration ?? 0) };
}

/** Mean volume in dBFS from ffmpeg's volumedetect filter (−91 is digital silence). */
function meanVolume(path: string): number {
  const log = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-i', path, '-af', 'volumedetect', '-f', 'null', '-'],
    { encoding: 'utf8' },
  ).stderr;
  const m = /mean_volume: (-?[\d.]+) dB/.exec(log);
  if (!m) throw new Error(`no volumedetect result in: ${log.slice(-300)}`);
  return Number(m[1]);
}

describe.skipIf(!IN_NETNS)('recordTrack (ffmpeg, werift receiver)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it.each(['ogg', 'wav'])('writes a received Opus track to a non-silent .%s file', async (ext) => {
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-rec-test-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const source = await createMediaSource({ input: { kind: 'test-pattern' } });
    cleanup.push(() => source.close());
    const v = await watch(source);
    cleanup.push(() => v.close());
    const path = join(dir, `talk-back.${ext}`);
    const recorder = await recordTrack(await v.audioTrack, { path });
    // 100 Opus packets of 20 ms: two seconds of sound (ffmpeg starts slowly on a busy machine).
    await expect.poll(() => recorder.packets(), { timeout: 15_000 }).toBeGreaterThanOrEqual(100);
    await recorder.close();
    const { codec, duration } = probe(path);
    const volume = meanVolume(path);
    console.log(
      `recorded .${ext}: ${codec}, ${duration.toFixed(2)} s, mean volume ${volume} dB, ${recorder.packets()} packets`,
    );
    expect(codec).toBe(ext === 'wav' ? 'pcm_s16le' : 'opus');
    expect(duration).toBeGreaterThan(1);
    expect(volume).toBeGreaterThan(-40);
    // The source's ffmpeg is the only one left: the recorder's has exited.
    expect(ffmpegChildren()).toEqual([source.stats().pid]);
  });

  it('refuses a video track with UnsupportedMediaError', async () => {
    const source = await createMediaSource({ input: { kind: 'test-pattern' }, audio: false });
    cleanup.push(() => source.close());
    const v = await watch(source);
    cleanup.push(() => v.close());
    const videoTrack = v.receiver.getTransceivers()[0]?.receiver.track;
    expect(videoTrack?.kind).toBe('video');
    if (!videoTrack) return;
    await expect(recordTrack(videoTrack, { path: join(tmpdir(), 'never.ogg') })).rejects.toMatchObject({
      name: 'UnsupportedMediaError',
    });
  });
});
