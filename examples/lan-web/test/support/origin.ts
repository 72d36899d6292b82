/**
 * TEST-ONLY: the "legacy device" behind `lanrtc expose` — a plain node:http server on 127.0.0.1 that
 * knows nothing of lanrtc. `origin.ts <dir>` serves `<dir>`'s `img.png` and `video.webm` (Range →
 * 206) under /media/, JSON at /api/status.json, a secret at /private/secret.txt, an HTML page at /,
 * a page with a relative `<img>` at /media/, and an endless body at /media/endless. One JSON line per request it receives (and when an endless
 * answer's request closes); `{"port":N}` once listening. SIGTERM stops it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sendRanged } from '../../../../packages/browser-client/test/lan-routes/media.js';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: origin.ts <dir>');
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
