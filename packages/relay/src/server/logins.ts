/**
 * The relay's side of the login (docs/PROTOCOL.md §"Relay protocol", login): check the `auth` answer
 * to a connection's challenge, bound to the endpoint it upgraded with, and keep the table of
 * logged-in identities that frames are routed by. Newest login wins; one address may hold at most
 * `maxLoginsPerAddress` of them.
 */
import type { Logger } from '@lanrtc/signal-core';
import {
  encodeRelayFrame,
  identityIdBytes,
  type RelayFrame,
  verifyRelayAuth,
} from '@lanrtc/signal-core/protocol';
import type { RelayLimits } from '../limits.js';
import type { AddressTable } from './address-use.js';
import { type Conn, keyOf } from './connection.js';
import type { Outbound } from './outbound.js';

/** Logged-in connections by identity. */
export interface Logins {
  /**
   * The first frame of a connection not logged in yet: `welcome` (and `c.id` set), or
   * `not-authenticated` / `auth-failed` / `address-full`.
   */
  login(c: Conn, frame: RelayFrame): void;
  /** The connection logged in as the id with this routing key. */
  get(key: string): Conn | undefined;
  /** `c` is gone: it no longer receives frames for its id (unless a newer login already replaced it). */
  remove(c: Conn): void;
}

/** An empty login table; `stats.authenticated` follows its size. */
export function createLogins(
  limits: Pick<RelayLimits, 'maxLoginsPerAddress'>,
  addresses: AddressTable,
  stats: { authenticated: number },
  log: Logger,
  out: Outbound,
): Logins {
  const byId = new Map<string, Conn>();
  return {
    login(c, frame) {
      if (frame.type !== 'auth') {
        out.sendError(c, 'not-authenticated');
        return;
      }
      let who: ReturnType<typeof verifyRelayAuth>;
      try {
        who = verifyRelayAuth(frame.publicKey, frame.signature, c.challenge, c.endpoint);
      } catch {
        log.warn('relay.auth-failed', {});
        out.sendError(c, 'auth-failed');
        return;
      }
      const id = identityIdBytes(who.publicKey);
      const key = keyOf(id);
      const previous = byId.get(key);
      // A re-login from the same address replaces its old socket and takes no new slot.
      const sameSlot = previous !== undefined && previous.address === c.address;
      if (!sameSlot && addresses.use(c.address).logins >= limits.maxLoginsPerAddress) {
        log.warn('relay.address-full', { address: c.address, what: 'logins' });
        out.sendError(c, 'address-full', 'too many logins from this address');
        return;
      }
      // Newest login wins: the old socket is probably a dead tab or a reconnect racing its own ghost.
      if (previous) out.sendError(previous, 'replaced');
      c.id = id;
      c.key = key;
      c.idText = who.id;
      byId.set(key, c);
      stats.authenticated = byId.size;
      out.sendTo(c, encodeRelayFrame({ type: 'welcome', id }));
      log.debug('relay.login', { id: who.id });
    },
    get(key) {
      return byId.get(key);
    },
    remove(c) {
      if (c.key && byId.get(c.key) === c) {
        byId.delete(c.key);
        stats.authenticated = byId.size;
      }
    },
  };
}
