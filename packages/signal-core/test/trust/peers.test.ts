import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, UnknownPeerError } from '../../src/errors.js';
import { identityFromSecretKey } from '../../src/identity/identity.js';
import { createMemoryTrustStore } from '../../src/trust/memory.js';
import {
  clearSuspicion,
  hasGrant,
  isSuspicious,
  recordFailure,
  recordSighting,
  recordSuccess,
  rememberPeer,
  revokeGrant,
  setGrant,
} from '../../src/trust/peers.js';

const cam = identityFromSecretKey(new Uint8Array(32).fill(3));
const stranger = identityFromSecretKey(new Uint8Array(32).fill(4));

async function setup() {
  const store = createMemoryTrustStore();
  await rememberPeer(store, { identity: cam, name: 'Garden cam', deviceTypes: ['doorbell'], now: 1_000 });
  return store;
}

describe('rememberPeer', () => {
  it('creates a record, then updates it keeping first-seen and merging fingerprints', async () => {
    const store = createMemoryTrustStore();
    const a = await rememberPeer(store, {
      identity: cam,
      name: 'Cam',
      fingerprints: [new Uint8Array(32)],
      now: 10,
    });
    expect(a).toMatchObject({ id: cam.id, name: 'Cam', firstSeen: 10, lastSeen: 10, failures: 0 });
    expect('pairedAt' in a).toBe(false);
    const b = await rememberPeer(store, {
      identity: cam,
      name: 'Garden cam',
      fingerprints: [new Uint8Array(32).fill(1)],
      pairedAt: 20,
      now: 20,
    });
    expect(b).toMatchObject({ name: 'Garden cam', firstSeen: 10, lastSeen: 20, pairedAt: 20 });
    expect(b.fingerprints).toHaveLength(2);
    await expect(
      rememberPeer(store, { identity: cam, name: 'x', fingerprints: [new Uint8Array(3)] }),
    ).rejects.toThrow(InvalidArgumentError);
  });
});

describe('suspicion flags (Open Screen Protocol rules)', () => {
  it('flags the same id announced under a new name, and keeps the remembered name', async () => {
    const store = await setup();
    expect(isSuspicious(await recordSighting(store, cam.id, { name: 'Garden cam', now: 2_000 }))).toBe(false);
    const p = await recordSighting(store, cam.id, { name: 'Bank login', now: 3_000 });
    expect(p.name).toBe('Garden cam');
    expect(p.flags).toEqual([{ kind: 'name-changed', at: 3_000, detail: 'Bank login' }]);
    // The same event again does not grow the record.
    expect((await recordSighting(store, cam.id, { name: 'Bank login', now: 4_000 })).flags).toHaveLength(1);
  });

  it('flags one id seen from two addresses at once, not a later move', async () => {
    const store = await setup();
    await recordSighting(store, cam.id, { address: '10.0.0.5:5000', now: 10_000 });
    const moved = await recordSighting(store, cam.id, { address: '10.0.0.6:5000', now: 30_000 });
    expect(isSuspicious(moved)).toBe(false); // 20 s later: the device moved
    const p = await recordSighting(store, cam.id, { address: '10.0.0.7:5000', now: 31_000 });
    expect(p.flags.map((f) => f.kind)).toEqual(['address-conflict']);
    expect(p.lastAddress).toEqual({ address: '10.0.0.7:5000', at: 31_000 });
    const strict = await setup();
    await recordSighting(strict, cam.id, { address: 'a', now: 0 });
    expect(
      isSuspicious(await recordSighting(strict, cam.id, { address: 'b', now: 500 }, { simultaneousMs: 100 })),
    ).toBe(false);
  });

  it('flags repeated failures at the threshold; success resets the count but not the flag', async () => {
    const store = await setup();
    for (let i = 1; i < 3; i++) {
      const p = await recordFailure(store, cam.id, { failureThreshold: 3, now: i });
      expect(p.failures).toBe(i);
      expect(isSuspicious(p)).toBe(false);
    }
    const p = await recordFailure(store, cam.id, { failureThreshold: 3, now: 3 });
    expect(p.flags.map((f) => f.kind)).toEqual(['repeated-failures']);
    const ok = await recordSuccess(store, cam.id, 4);
    expect(ok.failures).toBe(0);
    expect(isSuspicious(ok)).toBe(true);
    expect(isSuspicious(await clearSuspicion(store, cam.id, 'repeated-failures'))).toBe(false);
  });

  it('counts concurrent failures without losing any', async () => {
    const store = await setup();
    await Promise.all(
      Array.from({ length: 20 }, () => recordFailure(store, cam.id, { failureThreshold: 100 })),
    );
    expect((await store.get(cam.id))?.failures).toBe(20);
  });

  it('clears all flags or one kind', async () => {
    const store = await setup();
    await recordSighting(store, cam.id, { name: 'Other', address: 'a', now: 0 });
    await recordSighting(store, cam.id, { address: 'b', now: 1 });
    expect((await store.get(cam.id))?.flags).toHaveLength(2);
    expect((await clearSuspicion(store, cam.id, 'name-changed')).flags.map((f) => f.kind)).toEqual([
      'address-conflict',
    ]);
    expect((await clearSuspicion(store, cam.id)).flags).toEqual([]);
  });

  it('rejects unknown peers with UnknownPeerError', async () => {
    const store = await setup();
    await expect(recordSighting(store, stranger.id, { name: 'x' })).rejects.toThrow(UnknownPeerError);
    await expect(recordFailure(store, stranger.id)).rejects.toThrow(UnknownPeerError);
    await expect(recordSuccess(store, stranger.id)).rejects.toThrow(UnknownPeerError);
    await expect(setGrant(store, stranger.id, { scope: 's', actions: [] })).rejects.toThrow(UnknownPeerError);
    expect(await store.get(stranger.id)).toBeUndefined();
  });
});

describe('grants', () => {
  it('sets, replaces, checks and revokes grants per scope', async () => {
    const store = await setup();
    let p = await setGrant(store, cam.id, { scope: 'doorbell', actions: ['view', 'view'] });
    expect(p.grants).toEqual([{ scope: 'doorbell', actions: ['view'] }]);
    expect(hasGrant(p, 'doorbell', 'view')).toBe(true);
    expect(hasGrant(p, 'doorbell', 'talk')).toBe(false);
    expect(hasGrant(p, 'files', 'view')).toBe(false);
    p = await setGrant(store, cam.id, { scope: 'doorbell', actions: ['talk'] });
    expect(hasGrant(p, 'doorbell', 'view')).toBe(false);
    expect(hasGrant(p, 'doorbell', 'talk')).toBe(true);
    p = await revokeGrant(store, cam.id, 'doorbell');
    expect(p.grants).toEqual([]);
  });
});

describe('rememberPeer without a name', () => {
  it('starts a new record with an empty name and keeps an existing name', async () => {
    const store = createMemoryTrustStore();
    expect((await rememberPeer(store, { identity: stranger, now: 1 })).name).toBe('');
    const named = await setup();
    expect((await rememberPeer(named, { identity: cam, pairedAt: 5, now: 5 })).name).toBe('Garden cam');
  });
});
