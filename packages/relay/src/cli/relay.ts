#!/usr/bin/env node
/**
 * `lanrtc-relay [--port 8787] [--host 0.0.0.0] [--static dir]` — run a relay until SIGINT/SIGTERM,
 * then shut down gracefully (clients get a `shutting-down` error frame). Logs are JSON lines on stderr.
 */
import { parseArgs } from 'node:util';
import { createRelay } from '../server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '0.0.0.0' },
    static: { type: 'string' },
  },
});
const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
  console.error(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
const relay = await createRelay({
  port: Number(values.port),
  host: values.host,
  ...(values.static ? { staticDir: values.static } : {}),
  logger: { debug: line('debug'), warn: line('warn') },
});
console.log(`lanrtc relay on ${relay.address.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void relay.close({ reason: signal }).then(() => process.exit(0)));
