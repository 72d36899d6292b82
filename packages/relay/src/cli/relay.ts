#!/usr/bin/env node
/**
 * `lanrtc-relay [--port 8787] [--host 0.0.0.0] [--static dir]` — run a relay until SIGINT/SIGTERM,
 * then shut down gracefully (clients get a `shutting-down` error frame). Logs are JSON lines on stderr.
 * A bad command line prints usage and exits 2. This bin does not announce itself over mDNS (this
 * package does not depend on @lanrtc/mdns-announcer); `lanrtc relay` from @lanrtc/cli does.
 */
import { parseArgs } from 'node:util';
import { createRelay } from '../create-relay.js';

const USAGE = 'usage: lanrtc-relay [--port 8787] [--host 0.0.0.0] [--static DIR]';

function usageError(message: string): never {
  console.error(`lanrtc-relay: ${message}\n${USAGE}`);
  process.exit(2);
}

let values: { port: string; host: string; static?: string | undefined; help?: boolean | undefined };
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '0.0.0.0' },
      static: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  usageError(error instanceof Error ? (error.message.split('.')[0] ?? error.message) : String(error));
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN;
if (!(port >= 0 && port <= 65535)) usageError(`--port must be an integer 0–65535 (got "${values.port}")`);

const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
  console.error(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
const relay = await createRelay({
  port,
  host: values.host,
  ...(values.static ? { staticDir: values.static } : {}),
  logger: { debug: line('debug'), warn: line('warn') },
});
console.log(`lanrtc relay on ${relay.address.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void relay.close({ reason: signal }).then(() => process.exit(0)));
