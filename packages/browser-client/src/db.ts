/**
 * The few IndexedDB calls browser-client needs, as promises. One database per agent with two object
 * stores: `keyval` (identity, DTLS certificate) and `peers` (trust records keyed by identity id).
 * Hand-written rather than a dependency: it is ~60 lines and keeps the bundle small.
 */
import { StorageFailedError, StorageUnavailableError } from './errors.js';

/** Default database name. */
export const DEFAULT_DB_NAME = 'lanrtc';

/** Object store for singletons (identity, certificate). */
export const KEYVAL_STORE = 'keyval';
/** Object store for `KnownPeer` records, keyed by `id`. */
export const PEERS_STORE = 'peers';

const DB_VERSION = 1;

/** Open (and on first use create) the lanrtc database `name`. */
export function openLanrtcDb(name: string = DEFAULT_DB_NAME): Promise<IDBDatabase> {
  const factory = globalThis.indexedDB;
  if (!factory) return Promise.reject(new StorageUnavailableError('IndexedDB is not available in this page'));
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, DB_VERSION);
    } catch (error) {
      // Opaque origins (about:blank, sandboxed iframes) throw SecurityError synchronously.
      reject(new StorageUnavailableError('IndexedDB refused to open', { cause: error }));
      return;
    }
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(KEYVAL_STORE)) db.createObjectStore(KEYVAL_STORE);
      if (!db.objectStoreNames.contains(PEERS_STORE)) db.createObjectStore(PEERS_STORE);
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgrading the schema must not be blocked by this one (IndexedDB 3.0 §2.8.4).
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () =>
      reject(new StorageFailedError('could not open IndexedDB', { cause: request.error }));
    request.onblocked = () =>
      reject(new StorageFailedError('IndexedDB open is blocked by another connection'));
  });
}

/** Settle with a request's result. */
export function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new StorageFailedError('IndexedDB request failed', { cause: request.error }));
  });
}

/** Resolve when the transaction commits; reject when it errors or aborts (nothing was written). */
export function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(new StorageFailedError('IndexedDB transaction failed', { cause: tx.error }));
    tx.onabort = () => reject(new StorageFailedError('IndexedDB transaction aborted', { cause: tx.error }));
  });
}

/** Read one `keyval` entry. */
export async function getValue(db: IDBDatabase, key: string): Promise<unknown> {
  return requestResult(db.transaction(KEYVAL_STORE, 'readonly').objectStore(KEYVAL_STORE).get(key));
}
