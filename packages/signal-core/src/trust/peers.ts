/**
 * Trust policy over any `TrustStore`: remembering peers, sightings, failures, suspicion flags and
 * grants. Every change goes through one atomic `store.update`, so concurrent callers never lose a
 * write. Suspicion rules follow Open Screen Protocol's security considerations (an agent seen under
 * a changed name, one agent at two addresses at once, repeated authentication failures).
 */
import { equalBytes } from '../encoding/bytes.js';
import { FINGERPRINT_BYTES } from '../encoding/fingerprint.js';
import { InvalidArgumentError, UnknownPeerError } from '../errors.js';
import type { PublicIdentity } from '../identity/identity.js';
import { MAX_FINGERPRINTS_PER_PEER } from './record.js';
import type { Grant, KnownPeer, SeenFingerprint, SuspicionFlag, SuspicionKind, TrustStore } from './store.js';

/** Default window in which one identity at two addresses counts as "at once" (ms). */
export const DEFAULT_SIMULTANEOUS_MS = 10_000;
/** Default number of consecutive failures that raises a `repeated-failures` flag. */
export const DEFAULT_FAILURE_THRESHOLD = 5;

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

/** What an announcement or connection shows about an already known peer. */
export interface PeerSighting {
  /** Name the peer announced now (e.g. in its card). */
  readonly name?: string;
  /** Transport address it was seen from (`ip:port` or host). */
  readonly address?: string;
  readonly now?: number;
}

/** Tunables of the suspicion rules. */
export interface SuspicionPolicy {
  /** Two different addresses within this many ms of each other count as "at once". */
  readonly simultaneousMs?: number;
  /** Consecutive failures that raise `repeated-failures`. */
  readonly failureThreshold?: number;
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

function withFlag(peer: KnownPeer, kind: SuspicionKind, at: number, detail: string): KnownPeer {
  // One flag per kind and detail: a repeated event refreshes nothing and does not grow the record.
  if (peer.flags.some((f) => f.kind === kind && f.detail === detail)) return peer;
  const flag: SuspicionFlag = { kind, at, detail };
  return { ...peer, flags: [...peer.flags, flag].slice(-32) };
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

/**
 * Record that a known peer was seen: updates last-seen and last address, and raises
 * `name-changed` (announced name ≠ remembered name; the remembered name is kept) and
 * `address-conflict` (a different address within `simultaneousMs` of the last one).
 * Throws `UnknownPeerError` for a peer not in the store.
 */
export async function recordSighting(
  store: TrustStore,
  peerId: string,
  sighting: PeerSighting,
  policy: SuspicionPolicy = {},
): Promise<KnownPeer> {
  const now = sighting.now ?? Date.now();
  const window = policy.simultaneousMs ?? DEFAULT_SIMULTANEOUS_MS;
  const stored = await store.update(peerId, (current) => {
    let peer = existing(current);
    if (sighting.name !== undefined && sighting.name !== peer.name)
      peer = withFlag(peer, 'name-changed', now, sighting.name);
    if (sighting.address !== undefined) {
      const last = peer.lastAddress;
      if (last && last.address !== sighting.address && Math.abs(now - last.at) <= window)
        peer = withFlag(peer, 'address-conflict', now, `${last.address} and ${sighting.address}`);
      peer = { ...peer, lastAddress: { address: sighting.address, at: now } };
    }
    return { ...peer, lastSeen: Math.max(peer.lastSeen, now) };
  });
  return stored as KnownPeer;
}

/**
 * Count one failed authentication (bad signature, fingerprint mismatch, failed pairing confirm);
 * raises `repeated-failures` when the consecutive count reaches the threshold.
 * Throws `UnknownPeerError` for a peer not in the store.
 */
export async function recordFailure(
  store: TrustStore,
  peerId: string,
  opts: { readonly now?: number } & SuspicionPolicy = {},
): Promise<KnownPeer> {
  const now = opts.now ?? Date.now();
  const threshold = opts.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
  const stored = await store.update(peerId, (current) => {
    let peer = existing(current);
    peer = { ...peer, failures: peer.failures + 1 };
    if (peer.failures >= threshold) peer = withFlag(peer, 'repeated-failures', now, `${threshold} failures`);
    return peer;
  });
  return stored as KnownPeer;
}

/** Record a successful authentication: resets the consecutive-failure count (flags stay). */
export async function recordSuccess(store: TrustStore, peerId: string, now = Date.now()): Promise<KnownPeer> {
  const stored = await store.update(peerId, (current) => {
    const peer = existing(current);
    return { ...peer, failures: 0, lastSeen: Math.max(peer.lastSeen, now) };
  });
  return stored as KnownPeer;
}

/** Clear suspicion flags (all, or one kind) after the user reviewed them. */
export async function clearSuspicion(
  store: TrustStore,
  peerId: string,
  kind?: SuspicionKind,
): Promise<KnownPeer> {
  const stored = await store.update(peerId, (current) => {
    const peer = existing(current);
    return { ...peer, flags: kind ? peer.flags.filter((f) => f.kind !== kind) : [] };
  });
  return stored as KnownPeer;
}

/** True when the peer carries any suspicion flag; UIs should warn before connecting. */
export function isSuspicious(peer: KnownPeer): boolean {
  return peer.flags.length > 0;
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
