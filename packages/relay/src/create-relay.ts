/** A relay with its own HTTP server: listening, static files, an announcement hook, and closing it all. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { DEFAULT_RELAY_LIMITS } from './limits.js';
import type { CreateRelayInit, ListeningRelay, RelayAddress } from './server/options.js';
import { guardSilentSockets } from './server/silent-sockets.js';
import { attachRelayWith } from './server.js';
import { createStaticHandler } from './static.js';

/** Start a relay with its own HTTP server (and static files when `staticDir` is set). */
export async function createRelay(init: CreateRelayInit = {}): Promise<ListeningRelay> {
  const handler = init.staticDir ? await createStaticHandler(init.staticDir) : undefined;
  const fallback = (req: IncomingMessage, res: ServerResponse) => {
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  };
  const onRequest = init.onRequest;
  const server = createServer((req, res) => {
    if (!onRequest) return fallback(req, res);
    Promise.resolve()
      .then(() => onRequest(req, res))
      .then(
        (answered) => {
          if (!answered) fallback(req, res);
        },
        (error: unknown) => {
          init.logger?.warn('relay: app request handler failed', { error: String(error) });
          if (!res.headersSent) res.writeHead(500).end();
          else res.destroy();
        },
      );
  });
  // Own server: connections that never send a request are bounded too (they are not the relay's yet).
  let upgraded: ((socket: Duplex) => void) | undefined;
  const relay = attachRelayWith(server, init, (socket) => upgraded?.(socket));
  upgraded = guardSilentSockets(server, { ...DEFAULT_RELAY_LIMITS, ...init.limits }, relay.stats);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(init.port ?? 0, init.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const info = server.address() as AddressInfo;
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  const address: RelayAddress = { host: info.address, port: info.port, url: `ws://${host}:${info.port}/` };
  const unannounce = init.announce?.(address);
  return {
    address,
    stats: relay.stats,
    async close(opts) {
      await unannounce?.();
      await relay.close(opts);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
