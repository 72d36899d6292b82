/**
 * The host screen and the local API, on 127.0.0.1 only (it can start rounds, so no one on the LAN
 * reaches it): `/screen` (the big QR code, the lobby, a Start button, a spectator view of the round),
 * `GET /api/status`, `GET /api/view` (the round as JSON, polled by the screen), `POST /api/start`,
 * `GET /api/qr.svg`. Requests naming another host (DNS rebinding from a web page) are refused.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import QRCode from 'qrcode';
import { API } from '../shared/paths.js';
import type { GameHost } from './game-host.js';

/** Options of `startScreenServer`. */
export interface ScreenServerInit {
  readonly game: GameHost;
  readonly port: number;
  readonly clientDir: string;
  readonly joinUrl: string;
  readonly name: string;
}

/** The running screen server. */
export interface ScreenServer {
  /** `http://127.0.0.1:<port>/screen`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Start the screen server on 127.0.0.1. */
export async function startScreenServer(init: ScreenServerInit): Promise<ScreenServer> {
  const clientDir = resolve(init.clientDir);
  const qrSvg = await QRCode.toString(init.joinUrl, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  let port = init.port;
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
      return json(res, 421, { error: 'wrong host' });
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === API.start)
      return req.method === 'POST'
        ? json(res, 200, { started: init.game.start() })
        : json(res, 405, { error: 'POST starts a round' });
    if (req.method !== 'GET') return json(res, 405, { error: 'method not allowed' });
    if (path === API.status) return json(res, 200, init.game.status());
    if (path === API.view)
      return json(res, 200, {
        ...init.game.view(),
        status: init.game.status(),
        joinUrl: init.joinUrl,
        name: init.name,
      });
    if (path === API.qr) {
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' });
      return res.end(qrSvg);
    }
    if (path === '/' || path === '/screen') {
      res.writeHead(302, { location: '/screen.html' });
      return res.end();
    }
    // The built screen page and its assets, from the page's build directory, never above it.
    const file = normalize(join(clientDir, decodeURIComponent(path)));
    if (!file.startsWith(clientDir + sep)) return json(res, 404, { error: 'not found' });
    const body = await readFile(file).catch(() => undefined);
    if (!body) return json(res, 404, { error: 'not found' });
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(init.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/screen`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
