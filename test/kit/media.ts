/**
 * Test media for the `/lan/` bridge tests, made with ffmpeg (no file in the repository): a 64×48
 * PNG and 8 s of 160×120 VP8 WebM with a keyframe every second (ffmpeg writes the cues a seek
 * needs); and a single-range file answer (RFC 9110 §14.2) as a media server gives it.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

/** Write `img.png` and `video.webm` into `dir`. */
export function makeMedia(dir: string): void {
  const ff = (args: string[]) => {
    const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', ...args]);
    if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  };
  ff(['-i', 'testsrc=size=64x48', '-frames:v', '1', join(dir, 'img.png')]);
  // biome-ignore format: ffmpeg options read best in pairs
  ff(['-i', 'testsrc=size=160x120:rate=15', '-t', '8', '-c:v', 'libvpx', '-g', '15', '-deadline', 'realtime',
    '-cpu-used', '8', '-b:v', '200k', join(dir, 'video.webm')]);
}

/** Answer `file`: whole (200) without a `range` header, else the one range asked for (206). */
export function sendRanged(file: string, type: string, req: IncomingMessage, res: ServerResponse): void {
  const size = statSync(file).size;
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (!m) {
    res.writeHead(200, { 'content-type': type, 'content-length': String(size), 'accept-ranges': 'bytes' });
    createReadStream(file).pipe(res);
    return;
  }
  const start = m[1] ? Number(m[1]) : size - Number(m[2]);
  const end = m[1] && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  res.writeHead(206, {
    'content-type': type,
    'content-length': String(end - start + 1),
    'content-range': `bytes ${start}-${end}/${size}`,
    'accept-ranges': 'bytes',
  });
  createReadStream(file, { start, end }).pipe(res);
}
