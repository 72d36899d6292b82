/** A relay with its own HTTP server: listening, static files, an announcement hook, and closing it all. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CreateRelayInit, ListeningRelay, RelayAddress } from './server/options.js';
import { attachRelay } from './server.js';
import { createStaticHandler } from './static.js';

/** Start a relay with its own HTTP server (and static files when `staticDir` is set). */
export async function createRelay(init: CreateRelayInit = {}): Promise<ListeningRelay> {
  const handler = init.staticDir ? await createStaticHandler(init.staticDir) : undefined;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  const relay = attachRelay(server, init);
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
