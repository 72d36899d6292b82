/**
 * The doorbell's local API on `127.0.0.1` only (a button's script, home automation, tests): never
 * on the LAN, where anyone could ring or revoke. JSON in and out.
 *
 *   POST   /ring          ring now → RingReport
 *   GET    /viewers       paired viewers → ViewerInfo[]
 *   DELETE /viewers/<id>  revoke one (id or unique prefix) → { id, name }
 *   GET    /status        { id, name, url, stats }; `?gc=1` under `node --expose-gc` collects
 *                          garbage first (leak hunting: live memory, not garbage not yet collected)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Doorbell } from './doorbell.js';
import { UnknownViewerError } from './errors.js';

/** A listening local API. */
export interface LocalApi {
  readonly url: string;
  close(): Promise<void>;
}

/** Serve `doorbell`'s local API on `127.0.0.1:port`. */
export async function startLocalApi(doorbell: Doorbell, port: number, host = '127.0.0.1'): Promise<LocalApi> {
  const server: Server = createServer((req, res) => {
    answer(doorbell, req, res).catch((error: Error) => reply(res, 500, { error: error.name }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const info = server.address() as AddressInfo;
  return {
    url: `http://${host}:${info.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(doorbell: Doorbell, req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.resume(); // no route reads a body
  const [path = '/', query = ''] = (req.url ?? '/').split('?');
  const route = `${req.method} ${path}`;
  if (route === 'POST /ring') return reply(res, 200, await doorbell.ring());
  if (route === 'GET /viewers') return reply(res, 200, await doorbell.viewers());
  if (route === 'GET /status') {
    if (new URLSearchParams(query).get('gc') === '1') (globalThis as { gc?: () => void }).gc?.();
    return reply(res, 200, {
      id: doorbell.id,
      name: doorbell.name,
      url: doorbell.url,
      stats: doorbell.stats(),
    });
  }
  const revoke = /^DELETE \/viewers\/([A-Za-z0-9_-]{1,64})$/.exec(route);
  if (revoke?.[1]) {
    try {
      const peer = await doorbell.revoke(revoke[1]);
      return reply(res, 200, { id: peer.id, name: peer.name });
    } catch (error) {
      if (error instanceof UnknownViewerError)
        return reply(res, 404, { error: error.name, message: error.message });
      throw error;
    }
  }
  const known = ['/ring', '/viewers', '/status'].includes(path) || path.startsWith('/viewers/');
  return reply(res, known ? 405 : 404, { error: known ? 'method not allowed' : 'not found' });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}
