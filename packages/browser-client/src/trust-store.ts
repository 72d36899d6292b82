/**
 * An IndexedDB `TrustStore` (signal-core `trust/store.ts`). Each `update` is one readwrite
 * transaction: read, run the synchronous `fn`, validate, write — IndexedDB serialises readwrite
 * transactions on the same store (IndexedDB 3.0 §2.7.2), so concurrent updates, also from other
 * tabs, cannot lose writes. Records are structured clones (Uint8Array survives) and are validated
 * on the way in and on the way out.
 */
import { CorruptStoreError, type KnownPeer, type TrustStore } from '@lanrtc/signal-core';
import { assertKnownPeer, cloneKnownPeer } from '@lanrtc/signal-core/trust';
import { PEERS_STORE, requestResult, transactionDone } from './db.js';

function decode(id: string, value: unknown): KnownPeer {
  try {
    assertKnownPeer(id, value as KnownPeer);
    return cloneKnownPeer(value as KnownPeer);
  } catch (error) {
    throw new CorruptStoreError('stored trust record does not validate', { cause: error });
  }
}

/** A `TrustStore` kept in the `peers` object store of `db` (see `openLanrtcDb`). */
export function createIndexedDbTrustStore(db: IDBDatabase): TrustStore {
  return {
    async get(id) {
      const value = await requestResult(
        db.transaction(PEERS_STORE, 'readonly').objectStore(PEERS_STORE).get(id),
      );
      return value === undefined ? undefined : decode(id, value);
    },
    async list() {
      const store = db.transaction(PEERS_STORE, 'readonly').objectStore(PEERS_STORE);
      const [keys, values] = await Promise.all([
        requestResult(store.getAllKeys()),
        requestResult(store.getAll()),
      ]);
      return values.map((v, i) => decode(String(keys[i]), v));
    },
    async update(id, fn) {
      const tx = db.transaction(PEERS_STORE, 'readwrite');
      const done = transactionDone(tx);
      // An abort below rejects `done` too; the caller sees the first error, never an unhandled one.
      done.catch(() => {});
      const store = tx.objectStore(PEERS_STORE);
      try {
        const raw = await requestResult(store.get(id));
        const current = raw === undefined ? undefined : decode(id, raw);
        // Still inside the success event's microtask checkpoint: the transaction is active.
        const next = fn(current && cloneKnownPeer(current));
        if (next === undefined) {
          await done;
          return current;
        }
        assertKnownPeer(id, next);
        const stored = cloneKnownPeer(next);
        store.put(stored, id);
        await done;
        return cloneKnownPeer(stored);
      } catch (error) {
        try {
          tx.abort();
        } catch {
          // Already committed or aborted: nothing was written by this call either way.
        }
        throw error;
      }
    },
    async delete(id) {
      const tx = db.transaction(PEERS_STORE, 'readwrite');
      const done = transactionDone(tx);
      done.catch(() => {});
      const store = tx.objectStore(PEERS_STORE);
      const existed = (await requestResult(store.count(id))) > 0;
      if (existed) store.delete(id);
      await done;
      return existed;
    },
  };
}
