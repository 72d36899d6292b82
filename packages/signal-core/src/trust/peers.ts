/**
 * Trust policy over any `TrustStore`: remembering peers and their per-peer grants. Every change goes
 * through one atomic `store.update`, so concurrent callers never lose a write.
 */
import { equalBytes } from '../encoding/bytes.js';
import { FINGERPRINT_BYTES } from '../encoding/fingerprint.js';
import { InvalidArgumentError, UnknownPeerError } from '../errors.js';
import type { PublicIdentity } from '../identity/identity.js';
import { MAX_FINGERPRINTS_PER_PEER } from './record.js';
import type { Grant, KnownPeer, SeenFingerprint, TrustStore } from './store.js';

/** What pairing (or an explicit user decision) tells the store about a peer. */
export interface RememberPeerInit {
  readonly identity: PublicIdentity;
  /** Name to remember; an existing record keeps its name when omitted, a new one starts with ''. */
  readonly name?: string;
  readonly deviceTypes?: readonly string[];
  /** Fingerprints bound into the pairing transcript / signed by the peer. */
  readonly fingerprints?: readonly Uint8Array[];
  /** Set when this call records a completed pairing. */
  readonly pairedAt?: number;
  readonly now?: number;
}

function existing(current: KnownPeer | undefined): KnownPeer {
  if (!current) throw new UnknownPeerError('peer is not in the trust store');
  return current;
}

/** Add `fingerprint` as seen at `now` (or refresh it), keeping the list bounded and ordered by last use. */
export function withFingerprint(peer: KnownPeer, fingerprint: Uint8Array, now: number): KnownPeer {
  const old = peer.fingerprints.find((f) => equalBytes(f.fingerprint, fingerprint));
  const rest = peer.fingerprints.filter((f) => f !== old);
  const entry: SeenFingerprint = {
    fingerprint: fingerprint.slice(),
    firstSeen: old?.firstSeen ?? now,
    lastSeen: Math.max(now, old?.lastSeen ?? now),
  };
  const fingerprints = [...rest, entry].slice(-MAX_FINGERPRINTS_PER_PEER);
  return { ...peer, fingerprints, lastSeen: Math.max(peer.lastSeen, now) };
}

/**
 * Store a peer the user decided to trust (typically after pairing): creates the record, or updates
 * name, device types and pairing time of an existing one, merging fingerprints. Clears nothing else.
 */
export async function rememberPeer(store: TrustStore, init: RememberPeerInit): Promise<KnownPeer> {
  const now = init.now ?? Date.now();
  for (const f of init.fingerprints ?? [])
    if (f.length !== FINGERPRINT_BYTES) throw new InvalidArgumentError('fingerprint must be 32 bytes');
  const stored = await store.update(init.identity.id, (current) => {
    let peer: KnownPeer = current ?? {
      id: init.identity.id,
      publicKey: init.identity.publicKey.slice(),
      name: init.name ?? '',
      deviceTypes: [],
      fingerprints: [],
      firstSeen: now,
      lastSeen: now,
      grants: [],
      flags: [],
      failures: 0,
    };
    peer = {
      ...peer,
      name: init.name ?? peer.name,
      deviceTypes: [...(init.deviceTypes ?? peer.deviceTypes)],
      lastSeen: Math.max(peer.lastSeen, now),
      ...(init.pairedAt !== undefined ? { pairedAt: init.pairedAt } : {}),
    };
    for (const f of init.fingerprints ?? []) peer = withFingerprint(peer, f, now);
    return peer;
  });
  return stored as KnownPeer;
}

/** Set (replace) the grant for `grant.scope`. */
export async function setGrant(store: TrustStore, peerId: string, grant: Grant): Promise<KnownPeer> {
  const stored = await store.update(peerId, (current) => {
    const peer = existing(current);
    const grants = peer.grants.filter((g) => g.scope !== grant.scope);
    return { ...peer, grants: [...grants, { scope: grant.scope, actions: [...new Set(grant.actions)] }] };
  });
  return stored as KnownPeer;
}

/** Remove the grant for `scope`, if any. */
export async function revokeGrant(store: TrustStore, peerId: string, scope: string): Promise<KnownPeer> {
  const stored = await store.update(peerId, (current) => {
    const peer = existing(current);
    return { ...peer, grants: peer.grants.filter((g) => g.scope !== scope) };
  });
  return stored as KnownPeer;
}

/** True when `peer` may perform `action` in `scope`. */
export function hasGrant(peer: KnownPeer, scope: string, action: string): boolean {
  return peer.grants.some((g) => g.scope === scope && g.actions.includes(action));
}
