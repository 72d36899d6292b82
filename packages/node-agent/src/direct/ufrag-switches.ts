/**
 * Which source IPs of the direct-connect port switched to a new peer ufrag lately. A real peer's
 * checks for one connection all carry one ufrag (RFC 8445 §7.2.2: USERNAME is fixed per session),
 * so an address that keeps starting routes with fresh ufrags is opening many of them: the mux lets
 * such an address take a free slot, but not evict an old route for its age. Bounded (insertion order
 * = age; the oldest entry goes first when full).
 */

/** Memory of each address's newest peer ufrag. */
export interface UfragSwitches {
  /** Record that `ip` tries to start a route for `ufrag`; true when it tried another ufrag within the window. */
  note(ip: string, ufrag: string): boolean;
  /** `ip` authenticated a peer: it is a real one, forget what it tried. */
  forget(ip: string): void;
}

/** A switch counts for `windowMs` after the address's previous attempt; at most `max` addresses are remembered. */
export function createUfragSwitches(windowMs: number, max: number): UfragSwitches {
  const last = new Map<string, { ufrag: string; at: number }>();
  return {
    note(ip, ufrag) {
      const now = Date.now();
      const previous = last.get(ip);
      last.delete(ip);
      last.set(ip, { ufrag, at: now });
      while (last.size > max) {
        const oldest = last.keys().next().value;
        if (oldest === undefined) break;
        last.delete(oldest);
      }
      return previous !== undefined && previous.ufrag !== ufrag && now - previous.at < windowMs;
    },
    forget(ip) {
      last.delete(ip);
    },
  };
}
