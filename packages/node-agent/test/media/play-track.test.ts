/**
 * playTrack with real ffmpeg: the Opus track a werift receiver gets from a source (the test pattern's
 * 440 Hz tone) played through ALSA's `file` plugin (alsa-lib's PCM that writes what it is given to a
 * file, over its `null` PCM), so the test hears the bytes reach a real ALSA output on a machine with
 * no sound card; and outputs that do not exist fail fast with AudioOutputUnavailableError. Runs
 * inside the private network namespace.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMediaSource, playTrack } from '../../src/index.js';
import { IN_NETNS } from '../peer/pair.js';
import { ffmpegChildren, watch } from './support.js';

/** Root mean square of 16-bit little-endian samples, in dBFS (−∞ for digital silence). */
function rmsDbfs(pcm: Buffer): number {
  let sum = 0;
  const n = Math.floor(pcm.length / 2);
  for (let i = 0; i < n; i++) sum += pcm.readInt16LE(2 * i) ** 2;
  return 20 * Math.log10(Math.sqrt(sum / Math.max(1, n)) / 32768);
}

describe.skipIf(!IN_NETNS)('playTrack (ffmpeg, werift receiver)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const received = async (audio = true) => {
    const source = await createMediaSource({ input: { kind: 'test-pattern' }, audio });
    cleanup.push(() => source.close());
    const v = await watch(source);
    cleanup.push(() => v.close());
    return { source, v };
  };

  it('plays a received Opus track to an ALSA output: the tone reaches it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-play-test-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'out.raw');
    const { source, v } = await received();
    const player = await playTrack(await v.audioTrack, {
      output: { kind: 'alsa', device: `file:FILE=${file},FORMAT=raw` },
    });
    // 100 Opus packets of 20 ms: two seconds of sound.
    await expect.poll(() => player.packets(), { timeout: 15_000 }).toBeGreaterThanOrEqual(100);
    await player.close();
    expect(await player.ended).toBeUndefined();
    const pcm = readFileSync(file);
    // 16-bit stereo at 48 kHz is 192 000 bytes a second.
    const seconds = pcm.length / 192_000;
    const level = rmsDbfs(pcm);
    console.log(
      `played to ALSA: ${seconds.toFixed(2)} s of PCM, RMS ${level.toFixed(1)} dBFS, ${player.packets()} packets`,
    );
    expect(seconds).toBeGreaterThan(1);
    expect(level).toBeGreaterThan(-40);
    expect(ffmpegChildren()).toEqual([source.stats().pid]);
  });

  it('an output that does not exist is AudioOutputUnavailableError naming it, with no ffmpeg left', async () => {
    const { source, v } = await received();
    const track = await v.audioTrack;
    const t0 = performance.now();
    for (const output of [
      { kind: 'alsa', device: 'lanrtc-no-such-pcm' },
      { kind: 'oss', device: join(tmpdir(), 'lanrtc-no-such-dsp') },
    ] as const) {
      await expect(playTrack(track, { output })).rejects.toMatchObject({
        name: 'AudioOutputUnavailableError',
        message: expect.stringContaining(`${output.kind} "${output.device}" (`),
      });
    }
    console.log(`two missing outputs refused in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(ffmpegChildren()).toEqual([source.stats().pid]);
  });

  // With a sound card (or a sound server) one of the defaults may open: only meaningful without.
  it.skipIf(existsSync('/dev/snd'))(
    'with no sound card, the default outputs are all tried and named',
    async () => {
      const { v } = await received();
      const error = await playTrack(await v.audioTrack).then(
        () => undefined,
        (e: Error) => e,
      );
      console.log(`no output here: ${error?.message}`);
      expect(error?.name).toBe('AudioOutputUnavailableError');
      for (const tried of ['pulse "default"', 'alsa "default"', 'oss "/dev/dsp"'])
        expect(error?.message).toContain(tried);
    },
  );

  it('refuses a video track with UnsupportedMediaError', async () => {
    const { v } = await received(false);
    const video = v.receiver.getTransceivers()[0]?.receiver.track;
    expect(video?.kind).toBe('video');
    if (!video) return;
    await expect(playTrack(video, { output: { kind: 'alsa', device: 'null' } })).rejects.toMatchObject({
      name: 'UnsupportedMediaError',
    });
  });
});
