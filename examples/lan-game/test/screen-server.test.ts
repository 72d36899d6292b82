import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScreenServer, startScreenServer } from '../src/host/screen-server.js';
import { createGameHarness } from './support/game-harness.js';

/** A raw request (fetch cannot set the Host header, which is what the server checks). */
function get(port: number, path: string, opts: { host?: string; method?: string } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: { host: opts.host ?? `127.0.0.1:${port}` },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += String(d)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the host screen server (127.0.0.1 only)', () => {
  const h = createGameHarness();
  const dir = mkdtempSync(join(tmpdir(), 'lan-game-screen-'));
  let server: ScreenServer;
  beforeAll(async () => {
    writeFileSync(join(dir, 'screen.html'), '<title>screen</title>');
    server = await startScreenServer({
      game: h.host,
      port: 0,
      clientDir: dir,
      joinUrl: 'http://10.0.0.1:8080/#join=LRR1:X',
      name: 'Test',
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the screen, the status, the view and the QR code', async () => {
    h.join('ann');
    h.run(2);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/screen`);
    expect((await get(server.port, '/screen')).status).toBe(302);
    expect((await get(server.port, '/screen.html')).body).toContain('<title>screen</title>');
    const status = JSON.parse((await get(server.port, '/api/status')).body);
    expect(status.players.map((p: { name: string }) => p.name)).toEqual(['ann']);
    const view = JSON.parse((await get(server.port, '/api/view')).body);
    expect(view.joinUrl).toBe('http://10.0.0.1:8080/#join=LRR1:X');
    expect((await get(server.port, '/api/qr.svg')).body).toMatch(/^<svg/);
  });

  it('starts a round on POST /api/start only', async () => {
    expect((await get(server.port, '/api/start')).status).toBe(405);
    expect(JSON.parse((await get(server.port, '/api/start', { method: 'POST' })).body)).toEqual({
      started: true,
    });
    expect(h.host.status().phase).toBe('countdown');
  });

  it('refuses another Host (DNS rebinding) and paths outside the page', async () => {
    expect((await get(server.port, '/api/status', { host: 'evil.example:80' })).status).toBe(421);
    expect((await get(server.port, '/api/start', { host: 'evil.example', method: 'POST' })).status).toBe(421);
    expect((await get(server.port, '/..%2f..%2fetc%2fpasswd')).status).toBe(404);
    expect((await get(server.port, '/missing.js')).status).toBe(404);
  });
});
