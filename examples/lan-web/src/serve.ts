/**
 * The page's own web server: the built page (dist/) on `http://localhost:PORT/`, bound to 127.0.0.1.
 * `localhost` is a secure context, so the page gets its service worker (the /lan/ bridge); the same
 * files on `http://<lan-ip>` would get none. Options: `--port N` (default 5180; 0 any free port),
 * `--dir DIR` (default dist/). Prints the URL to open.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createStaticHandler } from '@lanrtc/relay';

const { values } = parseArgs({ options: { port: { type: 'string' }, dir: { type: 'string' } } });
const port = Number(values.port ?? '5180');
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`lan-web: --port must be 0…65535 (got ${values.port})\n`);
  process.exit(2);
}
const dir = values.dir ?? fileURLToPath(new URL('../dist', import.meta.url));
const handler = await createStaticHandler(dir);
const server = createServer((req, res) => handler(req, res));
server.on('error', (error) => {
  process.stderr.write(`lan-web: cannot listen on 127.0.0.1:${port}: ${error.message}\n`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const bound = (server.address() as AddressInfo).port;
  process.stdout.write(`lan-web: open http://localhost:${bound}/ on this computer (Ctrl-C stops)\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
