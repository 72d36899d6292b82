/**
 * Reusable conformance suite for `TrustStore` backends (the libp2p interface-tests pattern): every
 * implementation — memory here, file-backed in node-agent, IndexedDB in browser-client — calls
 * `runTrustStoreConformance(name, makeStore)` from its own test file. `makeStore` must return a new,
 * empty store each call.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { identityFromSecretKey } from '../../src/identity/identity.js';
import type { KnownPeer, TrustStore } from '../../src/trust/store.js';

/** A valid record for a deterministic identity `n`, with every optional field set when `full`. */
export function samplePeer(n: number, full = false): KnownPeer {
  const identity = identityFromSecretKey(new Uint8Array(32).fill(n));
  return {
    id: identity.id,
    publicKey: identity.publicKey,
    name: `peer ${n}`,
    deviceTypes: ['game', 'tv'],
    fingerprints: [{ fingerprint: new Uint8Array(32).fill(n), firstSeen: 1_000, lastSeen: 2_000 }],
    firstSeen: 1_000,
    lastSeen: 2_000,
    grants: full ? [{ scope: 'http://10.0.0.2:8080', actions: ['view', 'talk'] }] : [],
    flags: full ? [{ kind: 'name-changed', at: 1_500, detail: 'other name' }] : [],
    failures: full ? 2 : 0,
    ...(full ? { pairedAt: 1_200, lastAddress: { address: '10.0.0.2:5000', at: 2_000 } } : {}),
  };
}

/** Options of `runTrustStoreConformance`. */
export interface TrustStoreConformanceOptions {
  /** For durable backends: open the same storage again (a restart); enables the persistence test. */
  readonly reopen?: (store: TrustStore) => TrustStore | Promise<TrustStore>;
}

/** Run the `TrustStore` contract against `makeStore`. */
export function runTrustStoreConformance(
  name: string,
  makeStore: () => TrustStore | Promise<TrustStore>,
  options: TrustStoreConformanceOptions = {},
): void {
  describe(`TrustStore conformance: ${name}`, () => {
    const { reopen } = options;
    // Registered only for durable backends: an in-memory store has nothing to reopen, and a skipped
    // test would fail CI (scripts/test.mjs counts skips as failures under CI=true).
    if (reopen)
      it('keeps records across reopening (durable backends)', async () => {
        const store = await makeStore();
        const a = samplePeer(20, true);
        const b = samplePeer(21);
        await store.update(a.id, () => a);
        await store.update(b.id, () => b);
        await store.delete(b.id);
        const again = await reopen(store);
        expect(await again.get(a.id)).toEqual(a);
        expect(await again.get(b.id)).toBeUndefined();
      });

    it('starts empty', async () => {
      const store = await makeStore();
      expect(await store.get(samplePeer(1).id)).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it('stores a record through update and returns it exactly, optional fields included', async () => {
      const store = await makeStore();
      for (const full of [false, true]) {
        const peer = samplePeer(full ? 2 : 1, full);
        expect(await store.update(peer.id, () => peer)).toEqual(peer);
        const back = await store.get(peer.id);
        expect(back).toEqual(peer);
        expect(back?.publicKey).toBeInstanceOf(Uint8Array);
        expect(back?.fingerprints[0]?.fingerprint).toBeInstanceOf(Uint8Array);
        expect(back && 'pairedAt' in back).toBe(full); // absent stays absent (no `undefined` keys)
      }
    });

    it('passes the current record to update and stores what it returns', async () => {
      const store = await makeStore();
      const peer = samplePeer(3);
      await store.update(peer.id, (current) => {
        expect(current).toBeUndefined();
        return peer;
      });
      const seen: (KnownPeer | undefined)[] = [];
      const next = await store.update(peer.id, (current) => {
        seen.push(current);
        return current && { ...current, name: 'renamed' };
      });
      expect(seen[0]).toEqual(peer);
      expect(next?.name).toBe('renamed');
      expect((await store.get(peer.id))?.name).toBe('renamed');
    });

    it('leaves the store unchanged when update returns undefined', async () => {
      const store = await makeStore();
      const peer = samplePeer(4);
      expect(await store.update(peer.id, () => undefined)).toBeUndefined();
      expect(await store.get(peer.id)).toBeUndefined();
      await store.update(peer.id, () => peer);
      expect(await store.update(peer.id, () => undefined)).toEqual(peer);
      expect(await store.get(peer.id)).toEqual(peer);
    });

    it('writes nothing and rejects with the same error when the update function throws', async () => {
      const store = await makeStore();
      const peer = samplePeer(5);
      await store.update(peer.id, () => peer);
      const boom = new Error('boom');
      await expect(
        store.update(peer.id, () => {
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.get(peer.id)).toEqual(peer);
    });

    it('rejects records that do not belong under their key, or whose id is not their key’s', async () => {
      const store = await makeStore();
      const a = samplePeer(6);
      const b = samplePeer(7);
      await expect(store.update(a.id, () => b)).rejects.toThrow(InvalidArgumentError);
      await expect(store.update(a.id, () => ({ ...a, publicKey: b.publicKey }))).rejects.toThrow(
        InvalidArgumentError,
      );
      await expect(
        store.update(a.id, () => ({
          ...a,
          fingerprints: [{ fingerprint: new Uint8Array(5), firstSeen: 1, lastSeen: 1 }],
        })),
      ).rejects.toThrow(InvalidArgumentError);
      await expect(store.update(a.id, () => ({ ...a, failures: -1 }))).rejects.toThrow(InvalidArgumentError);
      expect(await store.list()).toEqual([]);
    });

    it('hands out copies: mutating a returned record does not change the store', async () => {
      const store = await makeStore();
      const peer = samplePeer(8, true);
      await store.update(peer.id, () => peer);
      const got = (await store.get(peer.id)) as KnownPeer;
      (got.publicKey as Uint8Array)[0] = 0;
      const [seen] = got.fingerprints;
      const [grant] = got.grants;
      if (!seen || !grant) throw new Error('sample record lost its fingerprint or grant');
      seen.fingerprint[0] = 0xee;
      (got.deviceTypes as string[]).push('x');
      (grant.actions as string[]).push('admin');
      const [listed] = await store.list();
      if (listed) (listed.fingerprints as unknown[]).length = 0;
      // …nor does mutating the record that was passed in.
      (peer.deviceTypes as string[]).push('y');
      const again = await store.get(peer.id);
      expect(again).toEqual({ ...samplePeer(8, true) });
    });

    it('deletes', async () => {
      const store = await makeStore();
      const peer = samplePeer(9);
      await store.update(peer.id, () => peer);
      expect(await store.delete(peer.id)).toBe(true);
      expect(await store.delete(peer.id)).toBe(false);
      expect(await store.get(peer.id)).toBeUndefined();
    });

    it('lists every record', async () => {
      const store = await makeStore();
      const peers = [samplePeer(10), samplePeer(11, true), samplePeer(12)];
      for (const p of peers) await store.update(p.id, () => p);
      const listed = await store.list();
      expect([...listed].sort((x, y) => x.id.localeCompare(y.id))).toEqual(
        [...peers].sort((x, y) => x.id.localeCompare(y.id)),
      );
    });

    it('applies concurrent updates to one record atomically (no lost writes)', async () => {
      const store = await makeStore();
      const peer = samplePeer(13);
      await store.update(peer.id, () => peer);
      await Promise.all(
        Array.from({ length: 50 }, () =>
          store.update(peer.id, (current) => current && { ...current, failures: current.failures + 1 }),
        ),
      );
      expect((await store.get(peer.id))?.failures).toBe(50);
    });
  });
}
