/**
 * TEST-ONLY: the "legacy device" behind `lanrtc expose` — a plain node:http server on 127.0.0.1 that
 * knows nothing of lanrtc. `origin.ts <dir>` serves `<dir>`'s `img.png` and `video.webm` (Range →
 * 206) under /media/, JSON at /api/status.json, a secret at /private/secret.txt, an HTML page at /,
 * a page with a relative `<img>` at /media/, an endless body at /media/endless, and 100 MiB at
 * /media/big whose byte at offset o is `((o >>> 16) + (o & 0xffff)) & 255` (a reader checks every
 * byte without holding them). One JSON line per request it receives (and when an endless answer's
 * request closes); `{"port":N}` once listening. SIGTERM stops it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sendRanged } from '../../../../test/kit/media.js';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: origin.ts <dir>');
const BLOCK = 64 * 1024;
const BIG_BYTES = 100 * 1024 * 1024;
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const server = createServer((req, res) => {
  const url = req.url ?? '';
  say({ event: 'request', method: req.method, url, range: req.headers.range ?? null });
  if (url === '/api/status.json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ device: 'legacy camera', recording: true }));
  } else if (url === '/media/img.png') sendRanged(join(dir, 'img.png'), 'image/png', req, res);
  else if (url === '/media/video.webm') sendRanged(join(dir, 'video.webm'), 'video/webm', req, res);
  else if (url === '/media/endless') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024, 7);
    const timer = setInterval(() => res.write(chunk), 5);
    res.once('close', () => {
      clearInterval(timer);
      say({ event: 'closed', url });
    });
  } else if (url === '/media/big') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BIG_BYTES) });
    let block = 0;
    const more = () => {
      // 64 KiB blocks, written as the socket drains: the legacy server streams, as real ones do.
      while (block * BLOCK < BIG_BYTES) {
        const chunk = Buffer.alloc(BLOCK);
        for (let j = 0; j < BLOCK; j++) chunk[j] = (block + j) & 255;
        block++;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  } else if (url === '/media/') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      '<!doctype html><h1>Media</h1><img src="img.png" alt="test image"> <a href="video.webm">video</a>',
    );
  } else if (url === '/private/secret.txt') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('the secret');
  } else if (url === '/') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><a href="api/status.json">status</a> <a href="media/img.png">image</a>');
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }
});
server.listen(0, '127.0.0.1', () => say({ port: (server.address() as AddressInfo).port }));
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
