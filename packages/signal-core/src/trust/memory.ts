/** In-memory `TrustStore`: for tests, short-lived agents, and as the reference backend. */
import { assertKnownPeer, cloneKnownPeer } from './record.js';
import type { KnownPeer, TrustStore } from './store.js';

/** Create an empty in-memory trust store (optionally seeded with records, which are validated). */
export function createMemoryTrustStore(initial: readonly KnownPeer[] = []): TrustStore {
  const peers = new Map<string, KnownPeer>();
  for (const p of initial) {
    assertKnownPeer(p.id, p);
    peers.set(p.id, cloneKnownPeer(p));
  }
  return {
    async get(id) {
      const p = peers.get(id);
      return p && cloneKnownPeer(p);
    },
    async list() {
      return [...peers.values()].map(cloneKnownPeer);
    },
    async update(id, fn) {
      // Synchronous from read to write: atomic in a single-threaded runtime.
      const current = peers.get(id);
      const next = fn(current && cloneKnownPeer(current));
      if (next === undefined) return current && cloneKnownPeer(current);
      assertKnownPeer(id, next);
      const stored = cloneKnownPeer(next);
      peers.set(id, stored);
      return cloneKnownPeer(stored);
    },
    async delete(id) {
      return peers.delete(id);
    },
  };
}
