/** Validation and copying of `KnownPeer` records, shared by every `TrustStore` backend. */
import { FINGERPRINT_BYTES } from '../encoding/fingerprint.js';
import { InvalidArgumentError } from '../errors.js';
import { identityId } from '../identity/identity.js';
import type { KnownPeer } from './store.js';

/** Most fingerprints kept per peer; the least recently seen is dropped beyond it. */
export const MAX_FINGERPRINTS_PER_PEER = 16;

const isTime = (t: unknown): boolean => typeof t === 'number' && Number.isSafeInteger(t) && t >= 0;

/** Throw `InvalidArgumentError` unless `peer` is a well-formed record stored under `id`. */
export function assertKnownPeer(id: string, peer: KnownPeer): void {
  const bad = (what: string): never => {
    throw new InvalidArgumentError(`trust record: ${what}`);
  };
  if (peer.id !== id) bad('id does not match its key');
  if (!(peer.publicKey instanceof Uint8Array) || peer.publicKey.length !== 32)
    bad('public key must be 32 bytes');
  if (identityId(peer.publicKey) !== peer.id) bad('id is not derived from the public key');
  if (typeof peer.name !== 'string') bad('name must be a string');
  if (!peer.deviceTypes.every((t) => typeof t === 'string')) bad('device types must be strings');
  if (peer.fingerprints.length > MAX_FINGERPRINTS_PER_PEER) bad('too many fingerprints');
  for (const f of peer.fingerprints) {
    if (!(f.fingerprint instanceof Uint8Array) || f.fingerprint.length !== FINGERPRINT_BYTES)
      bad('fingerprint must be 32 bytes');
    if (!isTime(f.firstSeen) || !isTime(f.lastSeen)) bad('fingerprint times must be integers');
  }
  if (!isTime(peer.firstSeen) || !isTime(peer.lastSeen)) bad('times must be integers');
  if (peer.pairedAt !== undefined && !isTime(peer.pairedAt)) bad('pairedAt must be an integer');
  if (!Number.isSafeInteger(peer.failures) || peer.failures < 0) bad('failures must be a count');
  for (const g of peer.grants)
    if (typeof g.scope !== 'string' || !g.actions.every((a) => typeof a === 'string')) bad('malformed grant');
  for (const f of peer.flags) if (typeof f.kind !== 'string' || !isTime(f.at)) bad('malformed flag');
  if (peer.lastAddress && (typeof peer.lastAddress.address !== 'string' || !isTime(peer.lastAddress.at)))
    bad('malformed last address');
}

/** A deep copy of a record (byte arrays included), so callers and stores never share mutable state. */
export function cloneKnownPeer(peer: KnownPeer): KnownPeer {
  return {
    id: peer.id,
    publicKey: peer.publicKey.slice(),
    name: peer.name,
    deviceTypes: [...peer.deviceTypes],
    fingerprints: peer.fingerprints.map((f) => ({
      fingerprint: f.fingerprint.slice(),
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
    })),
    firstSeen: peer.firstSeen,
    lastSeen: peer.lastSeen,
    ...(peer.pairedAt !== undefined ? { pairedAt: peer.pairedAt } : {}),
    grants: peer.grants.map((g) => ({ scope: g.scope, actions: [...g.actions] })),
    flags: peer.flags.map((f) => ({ kind: f.kind, at: f.at, detail: f.detail })),
    failures: peer.failures,
    ...(peer.lastAddress
      ? { lastAddress: { address: peer.lastAddress.address, at: peer.lastAddress.at } }
      : {}),
  };
}
