/**
 * TEST-ONLY static file server, run by lan-harness INSIDE a LAN host: `static-server.ts <dir> [ip]`.
 * Listens on 127.0.0.1 (that host's own loopback) at a free port, so a Chromium in the same host
 * loads its page from `http://localhost:<port>/`: a secure context (W3C Secure Contexts §3.1,
 * potentially trustworthy origin) that is not the device. With <ip> (the host's LAN address) it
 * serves `http://<ip>:<port>/` instead: an insecure context, like a device's own page. Prints
 * `{"port":N}`; serves only the files of <dir>, flat.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { basename, join } from 'node:path';

const [dir, ip] = process.argv.slice(2);
if (!dir) throw new Error('usage: static-server.ts <dir> [ip]');
const types: Record<string, string> = { html: 'text/html', js: 'text/javascript', json: 'application/json' };

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const name = path === '/' ? 'index.html' : basename(path);
  readFile(join(dir, name)).then(
    (body) => {
      res.writeHead(200, {
        'content-type': types[name.split('.').pop() ?? ''] ?? 'application/octet-stream',
      });
      res.end(body);
    },
    () => {
      res.writeHead(404);
      res.end();
    },
  );
});
server.listen(0, ip ?? '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' ? address?.port : 0 })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
