/**
 * Renegotiation of a connection already handed over (a track or a DataChannel added later, an ICE
 * restart), over the same authenticated signalling session: a signed `offer` and `answer` in the
 * connection's session, candidates trickling as before. Glare (both sides offer at once) is settled
 * by a fixed role, as in the W3C "perfect negotiation" pattern: the side that accepted the original
 * connection is *polite* — it drops its own offer (rollback) and answers the other's, then offers
 * again; the side that opened it ignores the colliding offer and waits for its answer. Every
 * renegotiated description must carry the DTLS fingerprint verified at hand-over, else the session
 * ends with `FingerprintMismatchError` (DTLS is not redone, so a new certificate is never legitimate).
 * A description the peer connection refuses to apply fails only that renegotiation.
 */
import { equalBytes } from '../encoding/bytes.js';
import { parseSdpFingerprint } from '../encoding/fingerprint.js';
import { timers } from '../encoding/timers.js';
import type { OpenedEnvelope } from '../envelope/envelope.js';
import {
  DescriptionRejectedError,
  FingerprintMismatchError,
  type LanrtcError,
  SessionTimeoutError,
} from '../errors.js';
import { decodeDescription, encodeDescription } from './payload.js';
import type { SessionPeer } from './peer.js';

/** What a negotiator needs from its session. */
export interface NegotiatorInit {
  readonly peer: SessionPeer;
  /** True on the side that accepted the connection: it yields in glare. */
  readonly polite: boolean;
  /** Seal and send a description in the session. */
  readonly send: (type: 'offer' | 'answer', payload: Uint8Array) => Promise<void>;
  /** The fingerprint a signed description carries (throws `FingerprintMismatchError` if none). */
  readonly fingerprintOf: (sdp: string) => Uint8Array;
  /** Deadline for the answer to a renegotiation offer. */
  readonly timeoutMs: number;
  /** Count a dropped envelope by reason. */
  readonly count: (name: string) => void;
}

/** One session's renegotiation state. */
export interface Negotiator {
  /** The remote certificate was verified: renegotiation is allowed from now on, with this fingerprint. */
  verified(fingerprint: Uint8Array): void;
  /** Handle an `offer` or `answer` envelope of the session; throws when the session must end. */
  receive(env: OpenedEnvelope): Promise<void>;
  /** Offer the current local state and resolve once the answer is applied. */
  renegotiate(): Promise<void>;
  /** The session ended: every pending and later `renegotiate()` rejects with `error`. */
  close(error: LanrtcError): void;
}

type Outcome = 'answered' | 'superseded';

interface Pending {
  /** Settles once our offer is applied locally and sent (or failed to be). */
  readonly sent: Promise<void>;
  settle(outcome: Outcome): void;
  fail(error: LanrtcError): void;
}

/** Create the negotiator of one session. */
export function createNegotiator(init: NegotiatorInit): Negotiator {
  const { peer } = init;
  let fingerprint: Uint8Array | undefined;
  let pending: Pending | undefined;
  let closed: LanrtcError | undefined;
  let chain: Promise<void> = Promise.resolve();
  /** A request not started yet: later requests share it (one offer covers all changes so far). */
  let queued: Promise<void> | undefined;
  /** Our answer to the peer's offer, while it runs: our own offer must not start inside it. */
  let answering: Promise<void> | undefined;
  /** The envelope counter of the newest description the peer sent that we handled. */
  let newest = 0;

  const offerOnce = async (): Promise<Outcome> => {
    // An offer made between the peer's offer and our answer would fail in have-remote-offer, and
    // its rollback would undo the peer's offer under the answer (webrtc-pc §4.4.1.5).
    while (answering) await answering;
    if (closed) throw closed;
    let markSent = () => {};
    const sent = new Promise<void>((resolve) => {
      markSent = resolve;
    });
    let timer: unknown;
    const mine = { sent } as Pending;
    const settled = new Promise<Outcome>((resolve, reject) => {
      Object.assign(mine, { settle: resolve, fail: reject });
      timer = timers.setTimeout(
        () => reject(new SessionTimeoutError('no answer to the renegotiation offer in time')),
        init.timeoutMs,
      );
    });
    settled.catch(() => {}); // awaited below unless the offer fails first
    pending = mine;
    try {
      try {
        const offer = await peer.createOffer();
        await peer.setLocalDescription(offer);
        // Text form: a renegotiated description is not what the compact codec was made for.
        await init.send('offer', encodeDescription(peer.localDescription() ?? offer, { compact: false }));
      } finally {
        markSent();
      }
      return await settled;
    } catch (error) {
      if (!closed) await peer.rollback?.().catch(() => {});
      throw error;
    } finally {
      timers.clearTimeout(timer);
      if (pending === mine) pending = undefined;
    }
  };

  const answer = async (sdp: ReturnType<typeof decodeDescription>) => {
    const run = answerOffer(sdp);
    const guard = run.then(
      () => {},
      () => {},
    );
    answering = guard;
    try {
      await run;
    } finally {
      if (answering === guard) answering = undefined;
    }
  };

  const answerOffer = async (sdp: ReturnType<typeof decodeDescription>) => {
    const mine = pending;
    if (mine) {
      await mine.sent;
      if (!init.polite) {
        init.count('RenegotiationGlareIgnored');
        return;
      }
      // setRemoteDescription(offer) in have-local-offer rolls our offer back (webrtc-pc §4.4.1.6).
      await peer.rollback?.();
    }
    try {
      await peer.setRemoteDescription(sdp);
    } catch {
      // An offer that does not apply here fails that renegotiation only: unanswered, the offerer's
      // times out and rolls back, and the connection goes on as negotiated before (a relay that
      // reorders descriptions must not be able to end it).
      init.count(DescriptionRejectedError.code);
      if (mine && pending === mine) mine.settle('superseded'); // ours was rolled back: offer it again
      return;
    }
    const local = await peer.createAnswer();
    await peer.setLocalDescription(local);
    await init.send('answer', encodeDescription(peer.localDescription() ?? local, { compact: false }));
    // Our own changes were not in that exchange: offer them again now that the state is stable.
    if (mine && pending === mine) mine.settle('superseded');
  };

  return {
    verified(value) {
      fingerprint = value;
    },
    async receive(env) {
      if (!fingerprint || (env.type !== 'offer' && env.type !== 'answer')) {
        init.count('UnexpectedEnvelopeTypeError');
        return;
      }
      // The peer numbers its envelopes in sending order, so a description older than one already
      // handled was held back on the way (a relay can, inside the replay window): applying it would
      // undo the newer exchange, or fail and end the connection.
      if (env.counter <= newest) {
        init.count('StaleRenegotiationIgnored');
        return;
      }
      newest = env.counter;
      const description = decodeDescription(env.payload, env.type);
      if (!equalBytes(init.fingerprintOf(description.sdp), fingerprint)) {
        throw new FingerprintMismatchError(
          `renegotiation ${env.type} carries another DTLS fingerprint than the one verified`,
        );
      }
      if (env.type === 'offer') return answer(description);
      const mine = pending;
      if (!mine) {
        init.count('UnexpectedAnswerError');
        return;
      }
      await mine.sent;
      try {
        await peer.setRemoteDescription(description);
      } catch (cause) {
        // An answer that does not fit our offer (one held back from an earlier exchange does not):
        // this renegotiation fails and is rolled back; the connection stays.
        init.count(DescriptionRejectedError.code);
        mine.fail(new DescriptionRejectedError('the peer connection refused the answer', { cause }));
        return;
      }
      mine.settle('answered');
    },
    renegotiate() {
      if (closed) return Promise.reject(closed);
      if (queued) return queued;
      const run = chain.then(async () => {
        queued = undefined;
        while ((await offerOnce()) === 'superseded') {}
      });
      queued = run;
      chain = run.catch(() => {});
      return run;
    },
    close(error) {
      closed ??= error;
      pending?.fail(closed);
    },
  };
}

/** The DTLS fingerprint a description carries (its first `a=fingerprint`); `FingerprintMismatchError` if none. */
export function signedFingerprint(sdp: string): Uint8Array {
  const line = /^a=fingerprint:(.+)$/m.exec(sdp);
  if (!line?.[1]) throw new FingerprintMismatchError('remote description carries no fingerprint');
  return parseSdpFingerprint(line[1]);
}
