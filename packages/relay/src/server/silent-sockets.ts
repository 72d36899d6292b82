/**
 * TCP connections to a relay's own HTTP server that have not sent a complete request yet (no HTTP
 * request, no WebSocket upgrade): at most `maxPendingPerAddress` per client address, each closed
 * if it is still silent after `authTimeoutMs`. Without this a host could hold thousands of bare
 * connections (file descriptors) that never reach the relay's per-address limits, which count
 * upgraded sockets. Only for a server the relay owns (`createRelay`): an embedding app's server may
 * have its own slow clients.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RelayLimits } from '../limits.js';
import { addressKey } from './address.js';

/**
 * Guard `server`'s new connections, counting each one closed in `stats.silentSockets`; call the
 * returned function with a socket the server upgraded (its `request`s it sees itself).
 */
export function guardSilentSockets(
  server: Server,
  limits: Pick<RelayLimits, 'maxPendingPerAddress' | 'authTimeoutMs'>,
  stats: { silentSockets: number },
): (upgraded: Duplex) => void {
  const silent = new Map<string, number>();
  const spoke = new WeakMap<Duplex, () => void>();
  server.on('connection', (socket: Socket) => {
    const address = addressKey(socket.remoteAddress);
    const n = (silent.get(address) ?? 0) + 1;
    if (n > limits.maxPendingPerAddress) {
      stats.silentSockets++;
      socket.destroy();
      return;
    }
    silent.set(address, n);
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      clearTimeout(deadline);
      const left = (silent.get(address) ?? 1) - 1;
      if (left > 0) silent.set(address, left);
      else silent.delete(address);
    };
    const deadline = setTimeout(() => {
      release();
      stats.silentSockets++;
      socket.destroy();
    }, limits.authTimeoutMs);
    deadline.unref();
    spoke.set(socket, release);
    socket.once('close', release);
  });
  // A complete request or upgrade: the connection is an HTTP client now (Node's keep-alive timeout
  // closes it when idle; an upgraded one is the relay's, with its own limits).
  server.on('request', (req: IncomingMessage) => spoke.get(req.socket)?.());
  return (upgraded) => spoke.get(upgraded)?.();
}
