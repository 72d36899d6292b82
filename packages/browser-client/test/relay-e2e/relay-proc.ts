/**
 * TEST-ONLY standalone relay for the relay-restart e2e, run by lan-harness inside a LAN host:
 *   relay-proc.ts <ip> <port> <static-dir>
 * createRelay on <ip>:<port> (0 = any) serving <static-dir>; prints one JSON line { ready, url, port }.
 * The test SIGKILLs it and starts it again on the same port.
 */
import { createRelay } from '@lanrtc/relay';

const [ip, port, staticDir] = process.argv.slice(2);
if (!ip || !port || !staticDir) throw new Error('usage: relay-proc.ts <ip> <port> <static-dir>');
const relay = await createRelay({ host: ip, port: Number(port), staticDir });
process.stdout.write(
  `${JSON.stringify({ ready: true, url: relay.address.url, port: relay.address.port })}\n`,
);
const shutdown = () => void relay.close({ reason: 'shutdown' }).then(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
