/**
 * source.snapshot() with real ffmpeg: a whole JPEG of the configured size from the same ffmpeg process
 * that encodes the video, newer and different a second later, typed errors after close, when disabled
 * and when none arrives in time. Loopback only (ffmpeg's RTP goes to 127.0.0.1), so no namespace.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMediaSource,
  InvalidMediaOptionsError,
  MediaClosedError,
  type MediaSource,
  SnapshotsDisabledError,
  SnapshotTimeoutError,
} from '../../src/index.js';
import { JpegSplitter } from '../../src/media/jpeg-splitter.js';
import { ffmpegChildren } from './support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ffprobe's codec and size of a JPEG. */
function probe(jpeg: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'lanrtc-snap-test-'));
  try {
    const file = join(dir, 's.jpg');
    writeFileSync(file, jpeg);
    return execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', file],
      { encoding: 'utf8' },
    ).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('media source snapshots', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const start = async (init: Parameters<typeof createMediaSource>[0]): Promise<MediaSource> => {
    const s = await createMediaSource(init);
    cleanup.push(() => s.close());
    return s;
  };

  it('gives a whole JPEG of the configured size from the one ffmpeg; a second later a newer, different one', async () => {
    const source = await start({
      input: { kind: 'test-pattern' },
      audio: false,
      snapshots: { width: 320, height: 240, intervalMs: 250 },
    });
    const t0 = performance.now();
    const a = await source.snapshot();
    const firstMs = performance.now() - t0;
    expect(ffmpegChildren()).toEqual([source.stats().pid]);
    expect([a.jpeg[0], a.jpeg[1]]).toEqual([0xff, 0xd8]);
    expect([a.jpeg.at(-2), a.jpeg.at(-1)]).toEqual([0xff, 0xd9]);
    expect(probe(a.jpeg)).toBe('mjpeg,320,240');
    await sleep(1_000);
    const b = await source.snapshot();
    const age = Date.now() - b.capturedAt;
    expect(b.capturedAt).toBeGreaterThan(a.capturedAt);
    expect(Buffer.from(b.jpeg).equals(Buffer.from(a.jpeg))).toBe(false);
    expect(probe(b.jpeg)).toBe('mjpeg,320,240');
    expect(age).toBeLessThan(2_000);
    expect(ffmpegChildren()).toEqual([source.stats().pid]);
    console.log(
      `snapshot: first ${firstMs.toFixed(0)} ms after start, ${a.jpeg.length} B; a later one was ${age} ms old when asked`,
    );
  });

  it('defaults to the video size; after close() a MediaClosedError and no ffmpeg left', async () => {
    const source = await createMediaSource({
      input: { kind: 'test-pattern' },
      audio: false,
      width: 352,
      height: 288,
    });
    const s = await source.snapshot();
    expect(probe(s.jpeg)).toBe('mjpeg,352,288');
    const waiting = source.snapshot();
    await source.close();
    await expect(waiting).resolves.toBe(s); // it was answered from the newest before close
    await expect(source.snapshot()).rejects.toBeInstanceOf(MediaClosedError);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('snapshots: false → SnapshotsDisabledError; bad options → InvalidMediaOptionsError', async () => {
    const source = await start({ input: { kind: 'test-pattern' }, audio: false, snapshots: false });
    await expect(source.snapshot()).rejects.toBeInstanceOf(SnapshotsDisabledError);
    for (const snapshots of [{ intervalMs: 5 }, { width: 1.5 }, { height: 0 }]) {
      await expect(createMediaSource({ input: { kind: 'test-pattern' }, snapshots })).rejects.toBeInstanceOf(
        InvalidMediaOptionsError,
      );
    }
  });

  it('no JPEG from ffmpeg in time is a SnapshotTimeoutError; close() fails a waiting call with MediaClosedError', async () => {
    // Real ffmpeg whose stdout (the JPEG output) goes nowhere: the video runs, no snapshot ever arrives.
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-snap-test-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const bin = join(dir, 'ffmpeg-no-stdout');
    writeFileSync(bin, '#!/bin/sh\nexec ffmpeg "$@" >/dev/null\n', { mode: 0o755 });
    const source = await createMediaSource({ input: { kind: 'test-pattern' }, audio: false, ffmpeg: bin });
    const t0 = performance.now();
    await expect(source.snapshot(300)).rejects.toBeInstanceOf(SnapshotTimeoutError);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(source.stats().videoPackets).toBeGreaterThan(0);
    const waiting = source.snapshot(10_000).catch((e: unknown) => e);
    await source.close();
    expect(await waiting).toBeInstanceOf(MediaClosedError);
  });
});

describe('JpegSplitter', () => {
  it('cuts ffmpeg mjpeg output fed in odd-sized chunks into the same whole images', () => {
    const stream = execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=5'],
      ...['-frames:v', '5', '-c:v', 'mjpeg', '-f', 'image2pipe', 'pipe:1'],
    ]);
    const whole = new JpegSplitter().push(stream);
    expect(whole).toHaveLength(5);
    expect(Buffer.concat(whole).equals(stream)).toBe(true);
    for (const size of [1, 7, 1000]) {
      const s = new JpegSplitter();
      const got: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) got.push(...s.push(stream.subarray(i, i + size)));
      expect(got.map((b) => b.length)).toEqual(whole.map((b) => b.length));
    }
  });

  it('skips garbage and a broken image, and does not end an image at an FF D9 inside a segment', () => {
    const [img] = new JpegSplitter().push(
      execFileSync('ffmpeg', [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48'],
        ...['-frames:v', '1', '-c:v', 'mjpeg', '-f', 'image2pipe', 'pipe:1'],
      ]),
    );
    if (!img) throw new Error('ffmpeg wrote no image');
    // A comment segment (COM, FF FE) holding FF D9 right after SOI.
    const withCom = Buffer.concat([
      img.subarray(0, 2),
      Buffer.from([0xff, 0xfe, 0, 4, 0xff, 0xd9]),
      img.subarray(2),
    ]);
    const broken = Buffer.from([0xff, 0xd8, 0x12, 0x34]);
    const out = new JpegSplitter().push(Buffer.concat([Buffer.from('junk'), broken, withCom, img]));
    expect(out.map((b) => b.length)).toEqual([withCom.length, img.length]);
  });
});
