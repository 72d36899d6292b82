/** The endpoint a relay login is bound to: the authority the client dialled (docs/PROTOCOL.md §"Relay protocol"). */
import { InvalidArgumentError } from '../../errors.js';

/** The `host[:port]` authority of a ws:// or wss:// URL, lower-cased (what the relay binds the login to). */
export function relayEndpoint(url: string): string {
  const m = /^wss?:\/\/([^/?#]+)/i.exec(url);
  if (!m?.[1]) throw new InvalidArgumentError('relay url must be ws:// or wss://');
  return m[1].toLowerCase();
}
