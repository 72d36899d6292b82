/**
 * Renegotiation of an authenticated direct (or QR) connection, which has no signalling session: the
 * offers and answers travel as signed envelopes over the auth channel that the in-band proof ran on
 * (docs/PROTOCOL.md §"Renegotiation over the auth channel"). The rules are the relay path's, by the
 * same negotiator (session/renegotiation.ts): the description must carry the fingerprint verified in
 * DTLS, glare is settled by role (the responder is polite), a description older than one handled is
 * dropped, and one the peer connection refuses fails only that renegotiation.
 *
 * Only what decoding rejects stays here: a frame that is not a fresh envelope signed by the
 * authenticated peer for this connection is refused (counted, reported, the connection goes on); a
 * signed description that fails the negotiator's checks ends the connection, as on the relay path.
 */

import { createReplayGuard } from '../envelope/replay.js';
import { sealEnvelope } from '../envelope/seal.js';
import { LanrtcError } from '../errors.js';
import type { Identity, PublicIdentity } from '../identity/identity.js';
import type { SessionPeer } from '../session/peer.js';
import { createNegotiator, signedFingerprint } from '../session/renegotiation.js';
import type { AuthPort } from './auth-types.js';
import { encodeRenegotiationFrame, openRenegotiationFrame } from './renegotiation-frame.js';

/** Default deadline for the answer to a renegotiation offer (ms), as the relay path's session timeout. */
export const DIRECT_RENEGOTIATION_TIMEOUT_MS = 15_000;

/** What `startDirectRenegotiation` needs: the authenticated connection's parts. */
export interface DirectRenegotiationInit {
  /** The auth channel, after authentication succeeded. */
  readonly port: AuthPort;
  /**
   * Frames the peer sent right after authentication that the auth run's port still held (its
   * `dispose()` result), handled first, in order: the peer's first offer can come that early.
   */
  readonly pending?: readonly Uint8Array[];
  readonly peer: SessionPeer;
  readonly identity: Identity;
  /** The identity the in-band proof verified: the only accepted signer. */
  readonly remote: PublicIdentity;
  /** `DirectAuthResult.session`. */
  readonly session: Uint8Array;
  /** The certificate the peer presented in DTLS (and its proof bound): every description must carry it. */
  readonly remoteFingerprint: Uint8Array;
  /** True on the responder (the side that accepted the connection): it yields in glare. */
  readonly polite: boolean;
  /** Deadline for an answer (default `DIRECT_RENEGOTIATION_TIMEOUT_MS`). */
  readonly timeoutMs?: number;
  /** A frame refused, or a renegotiation started on `negotiationneeded` that failed; the connection stays. */
  readonly onError?: (error: LanrtcError) => void;
  /** A signed description failed the negotiator's checks: the caller ends the connection with it. */
  readonly onFatal: (error: LanrtcError) => void;
  /** Clock for envelope timestamps (ms); defaults to `Date.now`. */
  readonly now?: () => number;
}

/** The renegotiation side of one direct connection. */
export interface DirectRenegotiation {
  /** Offer the current local state and resolve once the answer is applied (`Connection.renegotiate`). */
  renegotiate(): Promise<void>;
  /** Counts of what was dropped, by error name. */
  readonly dropped: Readonly<Record<string, number>>;
  /** Stop: pending and later `renegotiate()` calls reject with `error`, the port is left alone. */
  close(error: LanrtcError): void;
}

/** Start listening on `init.port` for the peer's signed descriptions and return the way to renegotiate. */
export function startDirectRenegotiation(init: DirectRenegotiationInit): DirectRenegotiation {
  const now = init.now ?? Date.now;
  const replay = createReplayGuard({ maxEntries: 4 });
  const dropped: Record<string, number> = {};
  const count = (name: string) => {
    dropped[name] = (dropped[name] ?? 0) + 1;
  };
  let counter = 0;
  let closed = false;
  const negotiator = createNegotiator({
    peer: init.peer,
    polite: init.polite,
    async send(type, payload) {
      counter += 1;
      const envelope = sealEnvelope(init.identity, {
        type,
        recipient: init.remote.id,
        session: init.session,
        counter,
        timestamp: now(),
        payload,
      });
      init.port.send(encodeRenegotiationFrame(envelope));
    },
    fingerprintOf: signedFingerprint,
    timeoutMs: init.timeoutMs ?? DIRECT_RENEGOTIATION_TIMEOUT_MS,
    count,
  });
  negotiator.verified(init.remoteFingerprint);
  const report = (error: unknown) => {
    const e = error instanceof LanrtcError ? error : new LanrtcError('unexpected failure', { cause: error });
    count(e.name);
    init.onError?.(e);
  };
  // One at a time, in arrival order: the negotiator expects the peer's descriptions in sequence.
  let chain = Promise.resolve();
  const onFrame = (bytes: Uint8Array) => {
    chain = chain.then(async () => {
      if (closed) return;
      let env: ReturnType<typeof openRenegotiationFrame>;
      try {
        env = openRenegotiationFrame(bytes, init.session, {
          recipient: init.identity.id,
          replay,
          now: now(),
          expectedSender: init.remote,
        });
      } catch (error) {
        report(error);
        return;
      }
      try {
        await negotiator.receive(env);
      } catch (error) {
        const e =
          error instanceof LanrtcError ? error : new LanrtcError('unexpected failure', { cause: error });
        stop(e);
        init.onFatal(e);
      }
    });
  };
  for (const bytes of init.pending ?? []) onFrame(bytes);
  const offMessage = init.port.onMessage(onFrame);
  const renegotiate = () => negotiator.renegotiate();
  const offNeeded = init.peer.onNegotiationNeeded?.(() => {
    if (!closed) renegotiate().catch(report);
  });
  const stop = (error: LanrtcError) => {
    if (closed) return;
    closed = true;
    offMessage();
    offNeeded?.();
    negotiator.close(error);
  };
  return { renegotiate, dropped, close: stop };
}
