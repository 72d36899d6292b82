/**
 * The relay's side of the login (docs/PROTOCOL.md §"Relay protocol", login): check the `auth` answer
 * to a connection's challenge, bound to the endpoint it upgraded with, and keep the table of
 * logged-in identities that frames are routed by. Newest login wins.
 */
import type { Logger } from '@lanrtc/signal-core';
import {
  encodeRelayFrame,
  identityIdBytes,
  type RelayFrame,
  verifyRelayAuth,
} from '@lanrtc/signal-core/protocol';
import { type Conn, keyOf } from './connection.js';
import type { Outbound } from './outbound.js';

/** Logged-in connections by identity. */
export interface Logins {
  /** The first frame of a connection not logged in yet: `welcome`, or `not-authenticated` / `auth-failed`. */
  login(c: Conn, frame: RelayFrame): void;
  /** The connection logged in as the id with this routing key. */
  get(key: string): Conn | undefined;
  /** `c` is gone: it no longer receives frames for its id (unless a newer login already replaced it). */
  remove(c: Conn): void;
}

/** An empty login table; `stats.authenticated` follows its size. */
export function createLogins(stats: { authenticated: number }, log: Logger, out: Outbound): Logins {
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
