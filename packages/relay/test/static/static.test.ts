/** Static files on the relay's origin: content types, index.html, 404s, no traversal, no symlink escape. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contentType, createRelay, type ListeningRelay } from '../../src/index.js';
import { client, IN_NETNS } from '../helpers.js';

/** A raw GET (fetch would normalise `..` away before sending). */
function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('content types', () => {
  it.each([
    ['a.html', 'text/html; charset=utf-8'],
    ['A.JS', 'text/javascript; charset=utf-8'],
    ['x.wasm', 'application/wasm'],
    ['noext', 'application/octet-stream'],
  ])('%s → %s', (file, type) => expect(contentType(file)).toBe(type));
});

describe.skipIf(!IN_NETNS)('static files', () => {
  const base = mkdtempSync(join(tmpdir(), 'lanrtc-static-'));
  const root = join(base, 'site');
  let relay: ListeningRelay;
  beforeAll(async () => {
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<h1>app</h1>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'a b.css'), 'b{}');
    writeFileSync(join(base, 'secret.txt'), 'secret');
    // Far beyond a read stream's 64 KiB highWaterMark: an aborted download leaves most of it unread.
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(8 * 1024 * 1024));
    symlinkSync(join(base, 'secret.txt'), join(root, 'escape.txt'));
    symlinkSync(join(root, 'assets', 'app.js'), join(root, 'inside.js'));
    relay = await createRelay({ staticDir: root });
  });
  afterAll(async () => {
    await relay.close();
    rmSync(base, { recursive: true, force: true });
  });

  it.each([
    ['/', 200, 'text/html; charset=utf-8', '<h1>app</h1>'],
    ['/index.html?v=1', 200, 'text/html; charset=utf-8', '<h1>app</h1>'],
    ['/assets/app.js', 200, 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['/assets/a%20b.css', 200, 'text/css; charset=utf-8', 'b{}'],
    ['/inside.js', 200, 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['/missing.html', 404, '', ''],
    ['/assets', 404, '', ''],
    ['/../secret.txt', 404, '', ''],
    ['/assets/../../secret.txt', 404, '', ''],
    ['/%2e%2e/secret.txt', 404, '', ''],
    ['/..%2fsecret.txt', 404, '', ''],
    ['/..%5csecret.txt', 404, '', ''],
    ['/escape.txt', 404, '', ''],
    ['/index.html%00.js', 404, '', ''],
    ['/%E0%A4%A', 404, '', ''],
  ] as const)('GET %s → %i', async (path, status, type, body) => {
    const res = await get(relay.address.port, path);
    expect(res.status).toBe(status);
    if (status === 200) {
      expect(res.type).toBe(type);
      expect(res.body).toBe(body);
    } else expect(res.body).not.toContain('secret');
  });

  it('refuses other methods and serves the relay on the same origin', async () => {
    expect((await get(relay.address.port, '/', 'POST')).status).toBe(405);
    expect((await get(relay.address.port, '/', 'HEAD')).status).toBe(200);
    const c = await client(relay.address.url);
    expect(c.localId).toHaveLength(26);
    c.close();
  });

  it('aborted downloads leave no file descriptor open', async () => {
    // Linux: the process's open descriptors are the entries of /proc/self/fd.
    const openFds = () => readdirSync('/proc/self/fd').length;
    const before = openFds();
    for (let i = 0; i < 30; i++) {
      await new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port: relay.address.port, path: '/big.bin' }, (res) =>
          res.once('data', () => {
            req.destroy();
            resolve();
          }),
        );
        req.on('error', () => resolve());
        req.end();
      });
    }
    // The server notices each abort shortly after; a leak would keep all 30 file streams open.
    await vi.waitFor(() => expect(openFds() - before).toBeLessThanOrEqual(3), { timeout: 5_000 });
  });
});
