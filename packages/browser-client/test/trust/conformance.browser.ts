/**
 * Browser entry (bundled by indexeddb.test.ts, `vitest` aliased to ./vitest-shim.ts): registers
 * signal-core's trust conformance suite against the IndexedDB store and exposes a runner the Node
 * test calls through Playwright. Every case gets its own database.
 */
import type { TrustStore } from '@lanrtc/signal-core';
import { runTrustStoreConformance } from '../../../signal-core/test/trust/conformance.js';
import { openLanrtcDb } from '../../src/db.js';
import { createIndexedDbTrustStore } from '../../src/trust-store.js';
import { cases } from './vitest-shim.js';

/** What the page reports for one case. */
export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

let n = 0;
const open = new Map<TrustStore, { name: string; db: IDBDatabase }>();

async function makeStore(name: string): Promise<TrustStore> {
  const db = await openLanrtcDb(name);
  const store = createIndexedDbTrustStore(db);
  open.set(store, { name, db });
  return store;
}

runTrustStoreConformance('IndexedDB in Chromium', () => makeStore(`conformance-${n++}`), {
  async reopen(store) {
    const entry = open.get(store);
    if (!entry) throw new Error('unknown store');
    entry.db.close(); // a real close: the next open reads what was committed to disk
    return makeStore(entry.name);
  },
});

async function runConformance(): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    try {
      await c.fn();
      results.push({ name: c.name, ok: true });
    } catch (error) {
      results.push({
        name: c.name,
        ok: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return results;
}

(globalThis as { runConformance?: typeof runConformance }).runConformance = runConformance;
