/**
 * TEST-ONLY: the built viewer from `http://localhost:<port>/` inside a LAN host — a secure origin that
 * is not the doorbell (how the installed viewer is reached). Run by lan-harness in the host:
 * `static-server.ts <dir>`; prints `{"port":N}`; SIGTERM stops it (the "network cable out" step).
 */
import { createServer } from 'node:http';
import { createStaticHandler } from '@lanrtc/relay';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: static-server.ts <dir>');
const handler = await createStaticHandler(dir);
const server = createServer((req, res) => handler(req, res));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' ? address?.port : 0 })}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
