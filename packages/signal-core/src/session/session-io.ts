/**
 * What the parts of the signalling agent share: one session's state, and the agent's I/O the pairing
 * driver, the hand-over and trickle use (sealing and sending envelopes, taking the next one, counting).
 */
import type { EnvelopeType, OpenedEnvelope } from '../envelope/envelope.js';
import { LanrtcError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import type { TrustStore } from '../trust/store.js';
import type { Inbox } from './inbox.js';

/** One signalling session: its id, the peer, the inbox its envelopes are routed to. */
export interface SessionState {
  readonly id: string;
  readonly sessionBytes: Uint8Array;
  readonly remoteId: string;
  readonly inbox: Inbox<OpenedEnvelope>;
  counter: number;
  /** Set when this side closes the connection (`Connection.close`). */
  closingHere?: boolean;
  /** Ends the session's waiting with an error (set by whoever runs the session). */
  fail: (error: LanrtcError) => void;
}

/** The agent as its parts see it. */
export interface SessionIo {
  readonly identity: Identity;
  readonly trust: TrustStore;
  /** Deadline of each signalling step. */
  readonly timeoutMs: number;
  now(): number;
  /** Count a rejected frame or failure by error name. */
  count(name: string): void;
  /** Report a session that failed here. */
  sessionError(error: LanrtcError, remoteId: string | undefined): void;
  /** Seal an envelope of this session and send it. */
  send(s: SessionState, type: EnvelopeType, payload: Uint8Array): Promise<void>;
  /** The session's next envelope of one of `types` (a `bye` rejects with `PeerRejectedError`). */
  next(
    s: SessionState,
    types: readonly EnvelopeType[],
    timeoutMs?: number,
    late?: string,
  ): Promise<OpenedEnvelope>;
  /** `p`, or `SessionTimeoutError(what)` after the deadline, or the session's failure. */
  withDeadline(s: SessionState, p: Promise<void>, what: string): Promise<void>;
  /** Tell the peer this session ended (best effort). */
  sendBye(s: SessionState, reason: string): Promise<void>;
  endSession(s: SessionState): void;
}

/** Any thrown value as a `LanrtcError` (the original as `cause`). */
export function asLanrtcError(error: unknown): LanrtcError {
  if (error instanceof LanrtcError) return error;
  return new LanrtcError('unexpected failure', { cause: error });
}
