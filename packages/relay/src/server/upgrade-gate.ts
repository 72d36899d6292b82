/**
 * Which HTTP upgrades are the relay's: only its `path` (when set), and only with a well-formed `Host`
 * it answers to. The `Host` becomes the endpoint the login signature is bound to, so refusing other
 * hosts is what makes that binding hold against a relay in the middle (docs/PROTOCOL.md §"Relay protocol").
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** The gate's settings (`RelayOptions.path` and `RelayOptions.allowedHosts`). */
export interface UpgradeGateInit {
  readonly path?: string;
  readonly allowedHosts?: readonly string[];
}

/**
 * Decide on an upgrade: true when the relay takes it. Otherwise the socket is answered (403 for a
 * refused host; 404 for another path when `soleListener`, so it is not left hanging) or left to the
 * other upgrade listeners.
 */
export type UpgradeGate = (req: IncomingMessage, socket: Duplex, soleListener: boolean) => boolean;

/** A gate for `init`. */
export function createUpgradeGate(init: UpgradeGateInit): UpgradeGate {
  const allowed = init.allowedHosts ? new Set(init.allowedHosts.map((h) => h.toLowerCase())) : undefined;
  return (req, socket, soleListener) => {
    if (init.path !== undefined && (req.url ?? '/').split('?')[0] !== init.path) {
      // Another endpoint's upgrade; when nobody else listens, answer it rather than leave it hanging.
      if (soleListener) socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return false;
    }
    const host = (req.headers.host ?? '').toLowerCase();
    // The endpoint goes into the hello and the login signature: printable ASCII, bounded.
    if (!/^[\x21-\x7e]{1,255}$/.test(host) || (allowed && !allowed.has(host))) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      return false;
    }
    return true;
  };
}
