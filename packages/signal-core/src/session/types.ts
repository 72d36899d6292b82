/** The signalling agent's public types: who a peer connection is for, pairing windows, options. */
import type { AbortSignalLike } from '../encoding/abort.js';
import type { LanrtcError } from '../errors.js';
import type { Identity, PublicIdentity } from '../identity/identity.js';
import type { Logger } from '../logger.js';
import type { PairingAttemptGate, PairingMode, PairingResult } from '../pairing/pairing.js';
import type { SignalTransport } from '../transport/transport.js';
import type { TrustStore } from '../trust/store.js';
import type { SessionPeer } from './peer.js';

/** Who the new peer connection is for. */
export interface PeerContext {
  readonly remote: PublicIdentity;
  readonly role: 'offerer' | 'answerer';
  readonly session: string;
}

/**
 * Responder-side pairing window: what the device shows, and how attempts are limited. With a
 * `policy`, every attempt is admitted by `policy.assertAllowed()` and ends as exactly one
 * success or failure — including attempts the initiator abandons, so a guesser gains nothing by
 * walking away after the first reply.
 */
export interface PairingWindow {
  /** Current mode; called for every attempt so a PIN can rotate after a failure (`policy.mode`). */
  readonly mode: () => PairingMode;
  /**
   * The mode this window accepts: a hello asking for another mode is refused here
   * (`PairingNotOpenError`) before `policy` counts it. Absent: whatever `mode()` returns.
   */
  readonly kind?: PairingMode['kind'];
  /** Several windows in one (`combinePairingWindows`): the one that admits a hello of `kind`, if any. */
  readonly select?: (kind: PairingMode['kind']) => PairingWindow | undefined;
  /**
   * Admits attempts on this window only (an `AttemptPolicy`: a PIN's guessing; a one-time card's
   * single success); other windows never consult it.
   */
  readonly policy?: PairingAttemptGate;
  /** Called after each failed attempt — wrong secret, timeout, abandoned — e.g. to show a fresh PIN. */
  readonly onFailure?: (error: LanrtcError) => void;
  readonly onPaired?: (result: PairingResult) => void;
  /** Compare mode: show the digits and resolve with the user's verdict (refused when absent). */
  readonly onCompare?: CompareHandler;
}

/**
 * Numeric comparison: show `digits`, resolve `true` when the user confirms both screens match. The
 * pairing succeeds only if the peer's user confirms too; it may fail (the peer said no, timeout)
 * while this promise is still pending: `signal` then aborts (its `reason` is the error that ended the
 * pairing) so the UI can take the prompt down, and the verdict is ignored.
 */
export type CompareHandler = (digits: string, signal: AbortSignalLike) => Promise<boolean>;

/** Options for `createAgent`. */
export interface AgentInit<P extends SessionPeer> {
  readonly identity: Identity;
  readonly transport: SignalTransport;
  readonly trust: TrustStore;
  /** SHA-256 of this agent's DTLS certificate, bound into pairings. */
  readonly fingerprint: Uint8Array;
  readonly createPeer: (context: PeerContext) => P | Promise<P>;
  /** Deadline for each signalling step and for the transport to connect (default 15 s). */
  readonly timeoutMs?: number;
  /** Concurrent sessions (default 64); more are refused with `bye`. */
  readonly maxSessions?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
}
