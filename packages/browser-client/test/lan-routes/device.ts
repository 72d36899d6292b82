/**
 * TEST-ONLY "legacy device" for the `/lan/` end-to-end test, run by lan-harness inside LAN host A:
 *   device.ts <ip> <media dir>
 * A plain node:http server on this host's loopback (JSON, a PNG, a WebM answered by range, an endless
 * body) that knows
 * nothing of lanrtc, and in front of it node-agent's direct-connect listener with a one-time QR
 * pairing open: every authenticated peer is granted `http:web /` and served by `exposeHttp`.
 * JSON lines on stdout: ready (pairing card text), connection, request (one per HTTP request, when it
 * is over), upstreamClosed (the endless body's request went away).
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createDirectListener, createDtlsCertificate, exposeHttp } from '@lanrtc/node-agent';
import { createIdentity, createMemoryTrustStore, setGrant } from '@lanrtc/signal-core';
import { sendRanged } from './media.js';

const [ip, dir] = process.argv.slice(2);
if (!ip || !dir) throw new Error('usage: device.ts <ip> <media dir>');
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const legacy = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://device').pathname;
  if (path === '/api/status') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ device: 'legacy camera', recording: true }));
  } else if (path === '/img.png') sendRanged(join(dir, 'img.png'), 'image/png', req, res);
  else if (path === '/video.webm') sendRanged(join(dir, 'video.webm'), 'video/webm', req, res);
  else if (path === '/endless') endless(res);
  else {
    res.writeHead(404);
    res.end();
  }
});
/** A body that never ends, written as fast as the reader takes it; says so when its reader goes away. */
function endless(res: import('node:http').ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const block = Buffer.alloc(64 * 1024, 7);
  const write = () => {
    while (!res.destroyed && res.write(block));
  };
  res.on('drain', write);
  res.on('close', () => emit({ upstreamClosed: '/endless' }));
  write();
}
await new Promise<void>((resolve) => legacy.listen(0, '127.0.0.1', resolve));
const address = legacy.address();
const target = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const trust = createMemoryTrustStore();
const listener = await createDirectListener({
  identity: createIdentity(),
  certificate: await createDtlsCertificate(),
  trust,
  name: 'legacy camera',
  deviceTypes: ['http'],
  addresses: [ip],
  port: 0,
});
listener.onConnection((connection) => {
  void setGrant(trust, connection.remote.id, { scope: 'http:web', actions: ['/'] }).then(() => {
    exposeHttp(connection, {
      target,
      trust,
      onRequest: (r) => emit({ request: r.path, status: r.status, outcome: r.outcome }),
    });
    emit({ connection: connection.remote.id });
  });
});
emit({ ready: true, pairingText: listener.openQrPairing().text });
process.on('SIGTERM', () => {
  legacy.close();
  void listener.close().then(() => process.exit(0));
});
