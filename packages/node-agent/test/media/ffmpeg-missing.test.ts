/**
 * A missing ffmpeg is FfmpegNotFoundError naming the Debian package, whether the binary is given by
 * path or looked up on a PATH that lacks it; nothing is left running or bound.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MediaStreamTrack, useOPUS } from 'werift';
import { createMediaSource, playTrack } from '../../src/index.js';
import { ffmpegChildren } from './support.js';

const activeHandles = (): number =>
  (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;

describe('ffmpeg missing, bad options', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('an ffmpeg option naming no binary: FfmpegNotFoundError with the package name', async () => {
    const baseline = activeHandles();
    const err = await createMediaSource({ ffmpeg: '/nonexistent/bin/ffmpeg' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'FfmpegNotFoundError' });
    expect((err as Error).message).toMatch(/Debian package ffmpeg/);
    expect(ffmpegChildren()).toEqual([]);
    await expect.poll(activeHandles).toBeLessThanOrEqual(baseline);
  });

  it('a PATH without ffmpeg: FfmpegNotFoundError', async () => {
    process.env.PATH = '/nonexistent';
    await expect(createMediaSource({ input: { kind: 'test-pattern' } })).rejects.toMatchObject({
      name: 'FfmpegNotFoundError',
    });
  });

  it('playTrack without ffmpeg: FfmpegNotFoundError, not an output error', async () => {
    const track = new MediaStreamTrack({ kind: 'audio', codec: useOPUS({ payloadType: 111 }) });
    await expect(playTrack(track, { ffmpeg: '/nonexistent/bin/ffmpeg' })).rejects.toMatchObject({
      name: 'FfmpegNotFoundError',
    });
    expect(ffmpegChildren()).toEqual([]);
  });

  it('ffmpeg that fails on its input: FfmpegFailedError with the end of its log', async () => {
    await expect(
      createMediaSource({ input: { kind: 'file', path: '/nonexistent/clip.mp4' } }),
    ).rejects.toMatchObject({ name: 'FfmpegFailedError', message: expect.stringMatching(/clip\.mp4/) });
  });

  it.each([
    { width: 0 },
    { fps: 1.5 },
    { height: 100_000 },
    { keyframeIntervalS: 0 },
    { keyframeIntervalS: Number.NaN },
    { videoBitrate: '1M; rm -rf' },
    { videoCodec: 'vp9' as 'vp8' },
    { input: { kind: 'file' as const, path: '' } },
  ])('refuses %o with InvalidMediaOptionsError before starting ffmpeg', async (init) => {
    await expect(createMediaSource(init)).rejects.toMatchObject({ name: 'InvalidMediaOptionsError' });
    expect(ffmpegChildren()).toEqual([]);
  });
});
