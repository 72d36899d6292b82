/**
 * JSON form of `KnownPeer` for text-backed stores (the node-agent file store): byte arrays as
 * lowercase hex. Decoding is verifying (docs/CONTRIBUTING.md "Decoding is verifying"): a stored file may be corrupted or edited, so
 * `knownPeerFromJson` checks every field and the id ↔ key binding, and throws `MalformedInputError`.
 */
import { fromHex, toHex } from '../encoding/bytes.js';
import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import { assertKnownPeer } from './record.js';
import type { Grant, KnownPeer, SeenFingerprint, SuspicionFlag, SuspicionKind } from './store.js';

const KINDS: readonly SuspicionKind[] = ['name-changed', 'address-conflict', 'repeated-failures'];

/** A JSON-safe copy of a record (`JSON.stringify` it as is). */
export function knownPeerToJson(peer: KnownPeer): unknown {
  return {
    id: peer.id,
    publicKey: toHex(peer.publicKey),
    name: peer.name,
    deviceTypes: [...peer.deviceTypes],
    fingerprints: peer.fingerprints.map((f) => ({
      fingerprint: toHex(f.fingerprint),
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
    })),
    firstSeen: peer.firstSeen,
    lastSeen: peer.lastSeen,
    ...(peer.pairedAt !== undefined ? { pairedAt: peer.pairedAt } : {}),
    grants: peer.grants.map((g) => ({ scope: g.scope, actions: [...g.actions] })),
    flags: peer.flags.map((f) => ({ kind: f.kind, at: f.at, detail: f.detail })),
    failures: peer.failures,
    ...(peer.lastAddress ? { lastAddress: { ...peer.lastAddress } } : {}),
  };
}

type Obj = Record<string, unknown>;
const bad = (what: string): never => {
  throw new MalformedInputError(`stored trust record: ${what}`);
};
const obj = (v: unknown, what: string): Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : bad(`${what} is not an object`);
const arr = (v: unknown, what: string, max: number): unknown[] =>
  Array.isArray(v) && v.length <= max ? v : bad(`${what} is not a list (≤ ${max})`);
const str = (v: unknown, what: string, max = 1024): string =>
  typeof v === 'string' && v.length <= max ? v : bad(`${what} is not a string`);
const int = (v: unknown, what: string): number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
    ? v
    : bad(`${what} is not a non-negative integer`);
const hex = (v: unknown, what: string, length: number): Uint8Array => {
  const bytes = fromHex(str(v, what, 2 * length));
  return bytes && bytes.length === length ? bytes : bad(`${what} is not ${length} hex bytes`);
};

/** Parse and validate a `knownPeerToJson` value; throws `MalformedInputError`. */
export function knownPeerFromJson(value: unknown): KnownPeer {
  const o = obj(value, 'record');
  const fingerprints: SeenFingerprint[] = arr(o.fingerprints, 'fingerprints', 64).map((x) => {
    const f = obj(x, 'fingerprint');
    return {
      fingerprint: hex(f.fingerprint, 'fingerprint', 32),
      firstSeen: int(f.firstSeen, 'firstSeen'),
      lastSeen: int(f.lastSeen, 'lastSeen'),
    };
  });
  const grants: Grant[] = arr(o.grants, 'grants', 256).map((x) => {
    const g = obj(x, 'grant');
    return {
      scope: str(g.scope, 'grant scope'),
      actions: arr(g.actions, 'grant actions', 64).map((a) => str(a, 'grant action')),
    };
  });
  const flags: SuspicionFlag[] = arr(o.flags, 'flags', 64).map((x) => {
    const f = obj(x, 'flag');
    const kind = str(f.kind, 'flag kind') as SuspicionKind;
    if (!KINDS.includes(kind)) bad('unknown flag kind');
    return { kind, at: int(f.at, 'flag time'), detail: str(f.detail, 'flag detail') };
  });
  const last = o.lastAddress === undefined ? undefined : obj(o.lastAddress, 'lastAddress');
  const peer: KnownPeer = {
    id: str(o.id, 'id', 64),
    publicKey: hex(o.publicKey, 'publicKey', 32),
    name: str(o.name, 'name'),
    deviceTypes: arr(o.deviceTypes, 'deviceTypes', 64).map((t) => str(t, 'device type', 64)),
    fingerprints,
    firstSeen: int(o.firstSeen, 'firstSeen'),
    lastSeen: int(o.lastSeen, 'lastSeen'),
    ...(o.pairedAt !== undefined ? { pairedAt: int(o.pairedAt, 'pairedAt') } : {}),
    grants,
    flags,
    failures: int(o.failures, 'failures'),
    ...(last
      ? { lastAddress: { address: str(last.address, 'address', 300), at: int(last.at, 'address time') } }
      : {}),
  };
  try {
    assertKnownPeer(peer.id, peer);
  } catch (cause) {
    if (cause instanceof InvalidArgumentError)
      throw new MalformedInputError('stored trust record is inconsistent', { cause });
    throw cause;
  }
  return peer;
}
