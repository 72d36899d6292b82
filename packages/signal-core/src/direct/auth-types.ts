/**
 * Declarations of the in-band authentication runner (docs/PROTOCOL.md §"Direct connect and in-band
 * authentication"): the channel constants, the byte port it runs over, its input and its result.
 */

import type { AbortSignalLike } from '../encoding/abort.js';
import type { Identity, PublicIdentity } from '../identity/identity.js';
import type { PairingMode } from '../pairing/pairing.js';
import type { CompareHandler, PairingWindow } from '../session/agent.js';
import type { TrustStore } from '../trust/store.js';

/** Label of the negotiated auth DataChannel. */
export const DIRECT_AUTH_LABEL = 'lanrtc-auth';
/** Stream id of the auth DataChannel: `negotiated: true, id: 1000`, ordered and reliable. */
export const DIRECT_AUTH_CHANNEL_ID = 1000;
/** Default deadline of the whole authentication, from `runDirectAuth` to the verdict (ms). */
export const DIRECT_AUTH_DEADLINE_MS = 5000;
/**
 * Default deadline (ms, counted from the start of the run) when the pairing is a numeric comparison:
 * two people read six digits off two screens and each confirms, which takes far longer than 5 s.
 */
export const DIRECT_AUTH_COMPARE_DEADLINE_MS = 60_000;

/**
 * A DataChannel seen as bytes. Call `runDirectAuth` once the channel is open; it subscribes before
 * it sends, so an adapter only has to hold messages that arrive before that call.
 */
export interface AuthPort {
  send(bytes: Uint8Array): void;
  onMessage(listener: (bytes: Uint8Array) => void): () => void;
  onClose(listener: () => void): () => void;
  /**
   * Optional: give back messages a listener received but did not use, in order, ahead of anything
   * held; the next listener gets them. `runDirectAuth` returns what arrived after its last message
   * (the peer's first renegotiation offer can come while this side still stores a new pairing), so
   * the renegotiation that subscribes next sees it. A port without it drops such messages.
   */
  unread?(messages: readonly Uint8Array[]): void;
}

/** The part of a DOM/Node `AbortSignal` the runner uses (signal-core has no platform types). */
export type AuthAbortSignal = AbortSignalLike;

/** Everything `runDirectAuth` needs. */
export interface DirectAuthInit {
  readonly role: 'initiator' | 'responder';
  readonly identity: Identity;
  readonly trust: TrustStore;
  /** Own DTLS certificate fingerprint, raw SHA-256. */
  readonly localFingerprint: Uint8Array;
  /** Fingerprint of the certificate the peer presented in DTLS, raw SHA-256. */
  readonly remoteFingerprint: Uint8Array;
  /** Initiator: the card's identity id (direct connect); any other responder is refused. */
  readonly expectedPeerId?: string;
  /** Initiator: pair in-band with this secret / PIN (compare mode needs `onCompare`). */
  readonly pairing?: PairingMode;
  /** Initiator, compare mode: show the digits, resolve with the user's verdict. */
  readonly onCompare?: CompareHandler;
  /** Responder: accept in-band pairing, exactly as `Agent.openPairing` does. */
  readonly pairingWindow?: PairingWindow;
  /**
   * Deadline of the run up to the trust-store write of a successful pairing; it includes a user's
   * comparison. Default `DIRECT_AUTH_DEADLINE_MS`, or `DIRECT_AUTH_COMPARE_DEADLINE_MS` once compare
   * mode is in play (initiator: `pairing.kind === 'compare'`; responder: a peer asked to pair while
   * the window's mode is compare).
   */
  readonly deadlineMs?: number;
  /** Abort, until the trust-store write of a successful pairing begins: the run rejects with `signal.reason`. */
  readonly signal?: AuthAbortSignal;
  /** Name stored for the peer when pairing (e.g. the card's name). */
  readonly peerName?: string;
  /** Clock for trust-store times (ms); defaults to `Date.now`. */
  readonly now?: () => number;
}

/** Who was authenticated, and whether that took a pairing just now. */
export interface DirectAuthResult {
  readonly remote: PublicIdentity;
  readonly paired: boolean;
  /** 16-byte id of this connection, from both hellos' nonces: the session of its renegotiation envelopes. */
  readonly session: Uint8Array;
}
