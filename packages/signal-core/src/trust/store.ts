/**
 * Trust records (docs/ARCHITECTURE.md "The objects"): who this agent knows, which DTLS fingerprints each peer
 * has used, what each peer may do, and why a peer looks suspicious. Times are milliseconds since the
 * Unix epoch. Backends (memory here; a file in node-agent, IndexedDB in browser-client) implement
 * the small async `TrustStore` and run `runTrustStoreConformance` (test/trust/conformance.ts).
 */

/** One DTLS certificate fingerprint a peer has used, with when it was first and last seen. */
export interface SeenFingerprint {
  /** Raw 32-byte SHA-256 fingerprint. */
  readonly fingerprint: Uint8Array;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** Permission for a peer: in `scope` (an app name or origin) it may perform `actions`. */
export interface Grant {
  readonly scope: string;
  readonly actions: readonly string[];
}

/**
 * Why a peer looks suspicious, after Open Screen Protocol's security considerations: the same
 * identity under a new name, one identity at two addresses at once, repeated authentication failures.
 */
export type SuspicionKind = 'name-changed' | 'address-conflict' | 'repeated-failures';

/** A raised suspicion, kept in the record (this package raises none: the record keeps what a store holds). */
export interface SuspicionFlag {
  readonly kind: SuspicionKind;
  readonly at: number;
  /** Human-readable detail for a UI (a name or address; never a key or secret). */
  readonly detail: string;
}

/** Where a peer was last seen from. */
export interface PeerAddress {
  readonly address: string;
  readonly at: number;
}

/** Everything the trust store keeps about one peer, keyed by `id`. */
export interface KnownPeer {
  /** Identity id; always `identityId(publicKey)` (stores reject anything else). */
  readonly id: string;
  /** 32-byte Ed25519 identity public key. */
  readonly publicKey: Uint8Array;
  /** Name confirmed when the peer was remembered. */
  readonly name: string;
  readonly deviceTypes: readonly string[];
  /** Fingerprints seen for this peer, most recently seen last; bounded (`MAX_FINGERPRINTS_PER_PEER`). */
  readonly fingerprints: readonly SeenFingerprint[];
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** When pairing with this peer completed; absent for peers known some other way. */
  readonly pairedAt?: number;
  readonly grants: readonly Grant[];
  readonly flags: readonly SuspicionFlag[];
  /** Consecutive authentication failures since the last success. */
  readonly failures: number;
  readonly lastAddress?: PeerAddress;
}

/**
 * Storage backend for `KnownPeer` records. Small on purpose: every policy (rotation, flags, grants)
 * is a function over it, written once. Implementations must make each call atomic, keep returned
 * records independent of stored ones (copies), and reject invalid records with `InvalidArgumentError`
 * (see `assertKnownPeer`).
 */
export interface TrustStore {
  /** The record for `id`, or undefined. */
  get(id: string): Promise<KnownPeer | undefined>;
  /** Every record, in no particular order. */
  list(): Promise<readonly KnownPeer[]>;
  /**
   * Atomic read-modify-write of one record: `fn` gets the current record (or undefined) and returns
   * the record to store, or undefined to leave the store unchanged. `fn` must be synchronous and pure
   * (IndexedDB transactions cannot span awaits); if it throws, nothing is written and the promise
   * rejects with that error. Resolves to the record stored afterwards (or undefined).
   */
  update(
    id: string,
    fn: (current: KnownPeer | undefined) => KnownPeer | undefined,
  ): Promise<KnownPeer | undefined>;
  /** Remove the record; resolves to whether one existed. */
  delete(id: string): Promise<boolean>;
}
