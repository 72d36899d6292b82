/**
 * A bounded set of strings that each expire: the direct-connect mux's memory of closed peer ufrags
 * (insertion order = age; the oldest entry goes first when the set is full).
 */

/** Membership with expiry and a size cap. */
export interface RetiredSet {
  has(key: string): boolean;
  add(key: string): void;
}

/** Entries live `ttlMs`; at most `max` are kept. */
export function createRetiredSet(ttlMs: number, max: number): RetiredSet {
  const until = new Map<string, number>();
  return {
    has(key) {
      const t = until.get(key);
      if (t === undefined) return false;
      if (t > Date.now()) return true;
      until.delete(key);
      return false;
    },
    add(key) {
      until.delete(key);
      until.set(key, Date.now() + ttlMs);
      while (until.size > max) {
        const oldest = until.keys().next().value;
        if (oldest === undefined) break;
        until.delete(oldest);
      }
    },
  };
}
