/**
 * Hand-over: once the first offer/answer is applied, wait for the transport, check the certificate
 * the peer showed against the fingerprint it signed, and hand the application a `Connection`; then
 * run the session for the life of the connection (trickled candidates, renegotiation, `bye`).
 */
import type { Connection } from '../agent/connection.js';
import { equalBytes } from '../encoding/bytes.js';
import type { OpenedEnvelope } from '../envelope/envelope.js';
import {
  FingerprintMismatchError,
  LanrtcError,
  PeerRejectedError,
  SessionTimeoutError,
  TransportClosedError,
} from '../errors.js';
import type { PublicIdentity } from '../identity/identity.js';
import { checkPeerFingerprint } from '../trust/fingerprint.js';
import { decodeCandidatePayload } from './payload.js';
import type { SessionPeer } from './peer.js';
import { createNegotiator, type Negotiator, signedFingerprint } from './renegotiation.js';
import { asLanrtcError, type SessionIo, type SessionState } from './session-io.js';

/**
 * Wait for the transport, then check the certificate the peer showed against what it signed.
 * `polite`: this side accepted the connection, so it yields when both renegotiate at once.
 */
export async function handOver<P extends SessionPeer>(
  io: SessionIo,
  s: SessionState,
  peer: P,
  remote: PublicIdentity,
  remoteSdp: string,
  polite: boolean,
): Promise<Connection<P>> {
  const negotiator = createNegotiator({
    peer,
    polite,
    send: (type, payload) => io.send(s, type, payload),
    fingerprintOf: signedFingerprint,
    timeoutMs: io.timeoutMs,
    count: (name) => io.count(name),
  });
  let markVerified = () => {};
  const verifiedHere = new Promise<void>((resolve) => {
    markVerified = resolve;
  });
  const ended = runSession(io, s, peer, negotiator, verifiedHere);
  // Listen from now: a `negotiationneeded` fired while the first exchange finishes (werift can)
  // is not repeated by the stack, so it is remembered and served right after the hand-over.
  let handedOver = false;
  let missed = false;
  const renegotiate = () => negotiator.renegotiate();
  const auto = () => {
    renegotiate().catch((error) => io.sessionError(asLanrtcError(error), remote.id));
  };
  const unsubscribe = peer.onNegotiationNeeded?.(() => {
    if (handedOver) auto();
    else missed = true;
  });
  if (unsubscribe) s.inbox.onEnd(unsubscribe);
  await io.withDeadline(s, peer.connected(), 'transport did not connect');
  const signed = signedFingerprint(remoteSdp);
  const seen = await peer.remoteCertificateFingerprint();
  if (!seen || !equalBytes(seen, signed)) {
    throw new FingerprintMismatchError('DTLS certificate differs from the fingerprint the peer signed');
  }
  // The SDP carrying `signed` came in an envelope `remote` signed: that is the rotation evidence.
  await checkPeerFingerprint(
    io.trust,
    remote.id,
    seen,
    { signedBy: remote, fingerprints: [signed] },
    {
      now: io.now(),
    },
  );
  negotiator.verified(seen);
  markVerified();
  handedOver = true;
  if (missed) auto();
  return {
    remote,
    path: 'relay',
    session: s.id,
    peer,
    paired: false,
    remoteFingerprint: seen,
    ended,
    renegotiate,
    close: async () => {
      s.closingHere = true; // the peer connection's own `closed` is then ours, not the peer's
      peer.close();
      await io.sendBye(s, 'closed');
      io.endSession(s);
    },
  };
}

/**
 * The session after the first offer/answer, for the life of the connection: apply trickled
 * candidates, answer or complete renegotiations. A `bye` from the peer (it closed, or its own
 * verification failed after ours passed) closes the peer connection here; so does a renegotiation
 * that fails its checks, after telling the peer why.
 */
async function runSession(
  io: SessionIo,
  s: SessionState,
  peer: SessionPeer,
  negotiator: Negotiator,
  verifiedHere: Promise<void>,
): Promise<string> {
  // The peer connection ending by itself ends the session: a peer that vanished without a `bye`
  // (tab closed, device off the network) must not hold its session — and a slot — for ever.
  let endedAs: 'failed' | 'peer-closed' | undefined;
  const offEnded = peer.onEnded?.((state) => {
    if (s.closingHere) return;
    endedAs ??= state === 'failed' ? 'failed' : 'peer-closed';
    s.fail(new TransportClosedError(`peer connection ${state}`));
  });
  if (offEnded) s.inbox.onEnd(offEnded);
  for (;;) {
    let env: OpenedEnvelope;
    try {
      env = await io.next(s, ['candidate', 'offer', 'answer'], Number.POSITIVE_INFINITY);
      // The peer may renegotiate the moment its own side is handed over (a track added before the
      // first exchange ended), while this side still reads and checks the certificate: its offer
      // waits for our check instead of being dropped unanswered (the peer would time out). Later
      // frames wait behind it, in order; a failed check ends the session, and the wait with it.
      if (env.type !== 'candidate') {
        await s.inbox.race(
          verifiedHere,
          Number.POSITIVE_INFINITY,
          () => new SessionTimeoutError('hand-over'),
        );
      }
    } catch (error) {
      const e = asLanrtcError(error);
      // Read before `peer.close()`, whose own `closed` event is not the peer's doing.
      const byItself = endedAs;
      // The session's first failure is the real cause: a hand-over still waiting in `handOver` (the
      // peer's bye while ICE/DTLS is still connecting) rejects with it, not with the close below.
      s.fail(e);
      negotiator.close(e);
      // Whatever ended it (our close, the peer's bye, a frame that failed its checks, the peer
      // connection going away): the peer connection and the session go with it.
      peer.close();
      io.endSession(s);
      if (e instanceof PeerRejectedError) return e.reason;
      if (byItself) return byItself;
      return e instanceof TransportClosedError ? 'closed' : e.name;
    }
    if (env.type === 'candidate') {
      try {
        await peer.addIceCandidate(decodeCandidatePayload(env.payload));
      } catch (error) {
        // A candidate the peer signed but that does not decode or apply: counted, the session goes on.
        io.count(error instanceof LanrtcError ? error.name : 'CandidateRejectedError');
      }
      continue;
    }
    try {
      await negotiator.receive(env);
    } catch (error) {
      // A renegotiation that failed here: the connection cannot go on in a state both agree on.
      const e = asLanrtcError(error);
      negotiator.close(e);
      peer.close();
      await io.sendBye(s, e.name);
      io.endSession(s);
      io.sessionError(e, s.remoteId);
      return e.name;
    }
  }
}
