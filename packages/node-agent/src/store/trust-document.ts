/**
 * The trust store's file format: one JSON document `{ "v": 1, "peers": [KnownPeer JSON, …] }`
 * (records in signal-core's `knownPeerToJson` form). Decoding is verifying (docs/CONTRIBUTING.md "Decoding is verifying"): every
 * record is checked by `knownPeerFromJson`, and anything off is a `CorruptStoreError` naming the file.
 */
import {
  CorruptStoreError,
  type KnownPeer,
  MalformedInputError,
  UnsupportedVersionError,
} from '@lanrtc/signal-core';
import { knownPeerFromJson, knownPeerToJson } from '@lanrtc/signal-core/trust';

/** The only trust store file version this build reads and writes. */
export const TRUST_FILE_VERSION = 1;

/** Serialise records as the store's JSON document (indented: users may want to read it). */
export function serializeTrustDocument(peers: Iterable<KnownPeer>): string {
  return `${JSON.stringify({ v: TRUST_FILE_VERSION, peers: [...peers].map(knownPeerToJson) }, null, 2)}\n`;
}

/** Parse and validate a stored document; `CorruptStoreError` or `UnsupportedVersionError`, both naming `file`. */
export function parseTrustDocument(text: string, file: string): Map<string, KnownPeer> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new CorruptStoreError(`${file}: trust store is not JSON (truncated or overwritten?)`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CorruptStoreError(`${file}: trust store is not a JSON object`);
  const doc = value as Record<string, unknown>;
  if (typeof doc.v === 'number' && Number.isSafeInteger(doc.v) && doc.v !== TRUST_FILE_VERSION)
    throw new UnsupportedVersionError(
      `${file}: trust store version ${doc.v} (this build reads ${TRUST_FILE_VERSION})`,
    );
  if (doc.v !== TRUST_FILE_VERSION) throw new CorruptStoreError(`${file}: trust store has no version number`);
  // A newer writer adding a field bumps `v`; an unknown key here means the file is not ours.
  const extra = Object.keys(doc).find((k) => k !== 'v' && k !== 'peers');
  if (extra !== undefined) throw new CorruptStoreError(`${file}: unexpected key ${JSON.stringify(extra)}`);
  if (!Array.isArray(doc.peers)) throw new CorruptStoreError(`${file}: "peers" is not a list`);
  const peers = new Map<string, KnownPeer>();
  for (const [i, item] of doc.peers.entries()) {
    let peer: KnownPeer;
    try {
      peer = knownPeerFromJson(item);
    } catch (cause) {
      if (!(cause instanceof MalformedInputError)) throw cause;
      throw new CorruptStoreError(`${file}: peer #${i} is invalid`, { cause });
    }
    if (peers.has(peer.id)) throw new CorruptStoreError(`${file}: peer #${i} appears twice`);
    peers.set(peer.id, peer);
  }
  return peers;
}
