import { describe, expect, it } from 'vitest';
import { createCard } from '../../src/card/create.js';
import { openCard } from '../../src/card/open.js';
import { FingerprintMismatchError, InvalidArgumentError, UnknownPeerError } from '../../src/errors.js';
import { identityFromSecretKey } from '../../src/identity/identity.js';
import { cardFingerprintEvidence, checkPeerFingerprint } from '../../src/trust/fingerprint.js';
import { createMemoryTrustStore } from '../../src/trust/memory.js';
import { rememberPeer } from '../../src/trust/peers.js';
import { MAX_FINGERPRINTS_PER_PEER } from '../../src/trust/record.js';

const doorbell = identityFromSecretKey(new Uint8Array(32).fill(1));
const mallory = identityFromSecretKey(new Uint8Array(32).fill(2));
const fp = (n: number): Uint8Array => new Uint8Array(32).fill(n);

async function storeWithDoorbell() {
  const store = createMemoryTrustStore();
  await rememberPeer(store, {
    identity: doorbell,
    name: 'Front door',
    fingerprints: [fp(0xa1)],
    pairedAt: 100,
    now: 100,
  });
  return store;
}

describe('checkPeerFingerprint (DTLS certificate rotation)', () => {
  it('accepts a fingerprint already seen for the peer and refreshes its last-seen time', async () => {
    const store = await storeWithDoorbell();
    const r = await checkPeerFingerprint(store, doorbell.id, fp(0xa1), undefined, { now: 500 });
    expect(r.status).toBe('known');
    expect(r.peer.fingerprints).toEqual([{ fingerprint: fp(0xa1), firstSeen: 100, lastSeen: 500 }]);
  });

  it('accepts and records a new fingerprint signed by the known identity in its card', async () => {
    const store = await storeWithDoorbell();
    const card = openCard(
      createCard(doorbell, {
        name: 'Front door',
        deviceTypes: ['doorbell'],
        fingerprint: fp(0xa1),
        nextFingerprint: fp(0xb2),
        ice: { ufrag: 'abcd', pwd: 'a'.repeat(22) },
        candidates: [],
        issuedAt: 0,
        expiresAt: 1_000,
      }),
      { now: 0 },
    );
    const r = await checkPeerFingerprint(store, doorbell.id, fp(0xb2), cardFingerprintEvidence(card), {
      now: 700,
    });
    expect(r.status).toBe('rotated');
    expect((await store.get(doorbell.id))?.fingerprints.map((f) => f.fingerprint[0])).toEqual([0xa1, 0xb2]);
    // From now on the new one is simply known, no evidence needed.
    expect((await checkPeerFingerprint(store, doorbell.id, fp(0xb2))).status).toBe('known');
  });

  it('rejects a new fingerprint without evidence and writes nothing', async () => {
    const store = await storeWithDoorbell();
    const before = await store.get(doorbell.id);
    await expect(checkPeerFingerprint(store, doorbell.id, fp(0xc3))).rejects.toThrow(
      FingerprintMismatchError,
    );
    expect(await store.get(doorbell.id)).toEqual(before);
  });

  it('rejects a new fingerprint vouched for by another identity', async () => {
    const store = await storeWithDoorbell();
    const evidence = { signedBy: mallory, fingerprints: [fp(0xc3)] };
    await expect(checkPeerFingerprint(store, doorbell.id, fp(0xc3), evidence)).rejects.toThrow(
      FingerprintMismatchError,
    );
    // An evidence object claiming the doorbell's id but carrying another key is rejected too.
    const spoofed = { signedBy: { id: doorbell.id, publicKey: mallory.publicKey }, fingerprints: [fp(0xc3)] };
    await expect(checkPeerFingerprint(store, doorbell.id, fp(0xc3), spoofed)).rejects.toThrow(
      FingerprintMismatchError,
    );
    expect((await store.get(doorbell.id))?.fingerprints).toHaveLength(1);
  });

  it('rejects a fingerprint the signed evidence does not list', async () => {
    const store = await storeWithDoorbell();
    const evidence = { signedBy: doorbell, fingerprints: [fp(0xd4)] };
    await expect(checkPeerFingerprint(store, doorbell.id, fp(0xc3), evidence)).rejects.toThrow(
      FingerprintMismatchError,
    );
  });

  it('rejects an unknown peer and a malformed fingerprint', async () => {
    const store = await storeWithDoorbell();
    await expect(checkPeerFingerprint(store, mallory.id, fp(0xa1))).rejects.toThrow(UnknownPeerError);
    await expect(checkPeerFingerprint(store, doorbell.id, new Uint8Array(20))).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('keeps at most MAX_FINGERPRINTS_PER_PEER, dropping the least recently seen', async () => {
    const store = await storeWithDoorbell();
    for (let i = 0; i < MAX_FINGERPRINTS_PER_PEER + 3; i++) {
      await checkPeerFingerprint(
        store,
        doorbell.id,
        fp(i),
        { signedBy: doorbell, fingerprints: [fp(i)] },
        { now: 1_000 + i },
      );
    }
    const kept = (await store.get(doorbell.id))?.fingerprints ?? [];
    expect(kept).toHaveLength(MAX_FINGERPRINTS_PER_PEER);
    expect(kept.some((f) => f.fingerprint[0] === 0xa1)).toBe(false);
    expect(kept.at(-1)?.fingerprint[0]).toBe(MAX_FINGERPRINTS_PER_PEER + 2);
  });
});
