import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, UnknownPeerError } from '../../src/errors.js';
import { identityFromSecretKey } from '../../src/identity/identity.js';
import { createMemoryTrustStore } from '../../src/trust/memory.js';
import { hasGrant, rememberPeer, revokeGrant, setGrant } from '../../src/trust/peers.js';

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

describe('grants of unknown peers', () => {
  it('rejects unknown peers with UnknownPeerError', async () => {
    const store = await setup();
    await expect(revokeGrant(store, stranger.id, 's')).rejects.toThrow(UnknownPeerError);
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
