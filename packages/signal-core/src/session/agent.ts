/**
 * The signalling agent: one per identity, it owns a transport and routes every incoming sealed
 * envelope to the session it belongs to. It runs first-contact pairing (a PAKE carried in `pairing`
 * envelopes) and connections (offer / answer / trickled candidates), and hands a connection to the
 * application only after the DTLS certificate the peer actually presented equals the fingerprint
 * that peer's identity signed. It is one file because the routing table, the per-session inboxes and
 * the failure rules (which errors end which sessions) only make sense together.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import type { Connection } from '../agent/connection.js';
import { type AbortSignalLike, createAbortHandle } from '../encoding/abort.js';
import { equalBytes, toHex } from '../encoding/bytes.js';
import { parseSdpFingerprint } from '../encoding/fingerprint.js';
import { type EnvelopeType, type OpenedEnvelope, openEnvelope, sealEnvelope } from '../envelope/envelope.js';
import { createReplayGuard, type ReplayGuard } from '../envelope/replay.js';
import {
  FingerprintMismatchError,
  InvalidSignatureError,
  LanrtcError,
  MalformedInputError,
  NotPairedError,
  PairingFailedError,
  PairingNotOpenError,
  PeerRejectedError,
  SessionLimitError,
  SessionTimeoutError,
  TransportClosedError,
} from '../errors.js';
import { createListeners, type Unsubscribe } from '../events.js';
import type { Identity, PublicIdentity } from '../identity/identity.js';
import type { Logger } from '../logger.js';
import { encodePairingAbort } from '../pairing/messages.js';
import { createPairing, type Pairing, type PairingMode, type PairingResult } from '../pairing/pairing.js';
import type { AttemptPolicy } from '../pairing/policy.js';
import type { SignalTransport } from '../transport/transport.js';
import { checkPeerFingerprint } from '../trust/fingerprint.js';
import { rememberPeer } from '../trust/peers.js';
import type { TrustStore } from '../trust/store.js';
import { describedCandidates } from './described-candidates.js';
import { Inbox } from './inbox.js';
import {
  decodeBye,
  decodeCandidatePayload,
  decodeDescription,
  encodeBye,
  encodeCandidatePayload,
  encodeDescription,
} from './payload.js';
import type { SessionPeer } from './peer.js';
import { createNegotiator, type Negotiator } from './renegotiation.js';

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
  readonly policy?: AttemptPolicy;
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

interface SessionState {
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

const ZERO_SESSION = new Uint8Array(16);
const PAIRING_ABORT = encodePairingAbort();

/** Create an agent bound to one identity and one transport. Call `start()` to begin receiving. */
export function createAgent<P extends SessionPeer>(init: AgentInit<P>): Agent<P> {
  return new Agent(init);
}

/** See `createAgent`. Owns its sessions; `close()` ends them all. */
export class Agent<P extends SessionPeer> {
  readonly #init: AgentInit<P>;
  readonly #replay: ReplayGuard = createReplayGuard();
  readonly #sessions = new Map<string, SessionState>();
  readonly #timeoutMs: number;
  #pairingWindow: PairingWindow | undefined;
  #closed = false;
  #loop: Promise<void> | undefined;
  readonly #connections = createListeners<Connection<P>>();
  readonly #sessionErrors = createListeners<{ error: LanrtcError; remoteId: string | undefined }>();
  /** Frames rejected, by error name (what a hostile transport or neighbour costs us). */
  readonly rejected: Record<string, number> = {};

  constructor(init: AgentInit<P>) {
    this.#init = init;
    this.#timeoutMs = init.timeoutMs ?? 15_000;
  }

  /** This agent's identity id. */
  get id(): string {
    return this.#init.identity.id;
  }

  /** Incoming connections, after verification. */
  onConnection(listener: (connection: Connection<P>) => void): Unsubscribe {
    return this.#connections.add(listener);
  }

  /** Sessions that failed on this side (the application may log them). */
  onSessionError(listener: (error: LanrtcError, remoteId: string | undefined) => void): Unsubscribe {
    return this.#sessionErrors.add(({ error, remoteId }) => listener(error, remoteId));
  }

  /** Begin processing incoming frames (idempotent). */
  start(): this {
    this.#loop ??= this.#receiveLoop();
    return this;
  }

  /** Accept pairing requests until the returned function is called. */
  openPairing(window: PairingWindow): () => void {
    this.#pairingWindow = window;
    return () => {
      if (this.#pairingWindow === window) this.#pairingWindow = undefined;
    };
  }

  /** Pair with `remoteId` as initiator (e.g. the user typed the PIN the device shows). */
  async pair(
    remoteId: string,
    mode: PairingMode,
    opts: { onCompare?: CompareHandler } = {},
  ): Promise<PairingResult> {
    const s = this.#openSession(remoteId);
    const pairing = createPairing({
      role: 'initiator',
      identity: this.#init.identity,
      fingerprint: this.#init.fingerprint,
      mode,
      sessionId: s.sessionBytes,
    });
    try {
      await this.#send(s, 'pairing', pairing.start());
      return await this.#runPairing(s, pairing, await this.#next(s, ['pairing']), opts.onCompare);
    } catch (error) {
      await this.#abortPairing(s, pairing);
      throw error;
    } finally {
      this.#endSession(s);
    }
  }

  /** Open an authenticated connection to a paired peer. */
  async connect(remoteId: string): Promise<Connection<P>> {
    const known = await this.#init.trust.get(remoteId);
    if (!known) throw new NotPairedError('peer is not in the trust store; pair first');
    const remote: PublicIdentity = { publicKey: known.publicKey, id: known.id };
    const s = this.#openSession(remoteId);
    let peer: P;
    try {
      peer = await this.#init.createPeer({ remote, role: 'offerer', session: s.id });
    } catch (error) {
      this.#endSession(s);
      throw error;
    }
    try {
      const stopTrickle = this.#trickle(s, peer);
      const offer = await peer.createOffer();
      await peer.setLocalDescription(offer);
      const sent = peer.localDescription() ?? offer;
      await this.#send(s, 'offer', encodeDescription(sent));
      stopTrickle.ready(sent.sdp);
      const answerEnv = await this.#next(s, ['answer']);
      const answer = decodeDescription(answerEnv.payload, 'answer');
      await peer.setRemoteDescription(answer);
      return await this.#finish(s, peer, answerEnv.sender, answer.sdp, false);
    } catch (error) {
      peer.close();
      // The answerer may already have handed its side over: tell it, or its session waits for ever
      // (unless it is the one that ended it).
      if (!(error instanceof PeerRejectedError)) await this.#sendBye(s, asLanrtcError(error).name);
      this.#endSession(s);
      throw error;
    }
  }

  /** Stop: fail all sessions, close the transport. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Tell every peer first (best effort, bounded by the transport): their sessions end at once.
    await Promise.all([...this.#sessions.values()].map((s) => this.#sendBye(s, 'closed')));
    for (const s of this.#sessions.values()) s.fail(new TransportClosedError('agent closed'));
    this.#init.transport.close();
    await this.#loop;
  }

  // ---- receiving -------------------------------------------------------------------------------

  async #receiveLoop(): Promise<void> {
    for await (const frame of this.#init.transport.messages) {
      let env: OpenedEnvelope;
      try {
        env = openEnvelope(frame.bytes, { recipient: this.id, replay: this.#replay, now: this.#now() });
      } catch (error) {
        this.#rejectFrame(error, frame.from);
        continue;
      }
      const key = toHex(env.session);
      const s = this.#sessions.get(key);
      if (s) {
        if (s.remoteId !== env.sender.id) {
          this.#count('UnexpectedSenderError');
          continue;
        }
        s.inbox.push(env);
      } else if (env.type === 'bye' && equalBytes(env.session, ZERO_SESSION)) {
        // The peer could not verify a frame we sent it: end our sessions with it.
        const reason = safeBye(env.payload);
        for (const open of this.#sessions.values()) {
          if (open.remoteId === env.sender.id)
            open.fail(new PeerRejectedError(`peer rejected: ${reason}`, reason));
        }
      } else if (env.type === 'pairing') {
        void this.#respondPairing(env);
      } else if (env.type === 'offer') {
        void this.#answer(env);
      } else {
        this.#count('UnknownSessionError');
      }
    }
  }

  #rejectFrame(error: unknown, fromHint: string): void {
    const name = error instanceof LanrtcError ? error.name : 'MalformedInputError';
    this.#count(name);
    this.#init.logger?.warn('dropped frame', { reason: name, from: fromHint });
    // A frame that fails verification (not a replay or a stale one, which honest duplicates cause)
    // ends the sessions waiting on that peer at once, instead of leaving them to time out.
    if (error instanceof InvalidSignatureError || error instanceof MalformedInputError) {
      for (const s of this.#sessions.values()) if (s.remoteId === fromHint) s.fail(error);
      void this.#sendRawBye(fromHint, name);
    }
  }

  /**
   * Pairings in flight here, by initiator id. The initiator finishes one message before we do, so
   * its next step (a connect, or a retry after a wrong PIN) may arrive while we are still storing
   * or aborting: those steps wait for the pairing instead of racing it.
   */
  readonly #pairingsFrom = new Map<string, Promise<void>>();
  /** Pairing starts per initiator id running or waiting here: at most one waits behind the running one. */
  readonly #pairingDepth = new Map<string, number>();

  async #respondPairing(first: OpenedEnvelope): Promise<void> {
    const id = first.sender.id;
    const depth = this.#pairingDepth.get(id) ?? 0;
    if (depth >= 2) {
      // A retry may wait for the attempt before it; a burst of starts must not pile up (each could
      // take a whole deadline, and memory with it).
      return this.#refuse(first, new SessionLimitError('a pairing from this peer is already waiting'));
    }
    this.#pairingDepth.set(id, depth + 1);
    const earlier = this.#pairingsFrom.get(id);
    const run = (async () => {
      if (earlier) await earlier;
      await this.#respondPairingNow(first);
    })();
    this.#pairingsFrom.set(id, run);
    try {
      await run;
    } finally {
      if (this.#pairingsFrom.get(id) === run) this.#pairingsFrom.delete(id);
      const left = (this.#pairingDepth.get(id) ?? 1) - 1;
      if (left > 0) this.#pairingDepth.set(id, left);
      else this.#pairingDepth.delete(id);
    }
  }

  async #respondPairingNow(first: OpenedEnvelope): Promise<void> {
    const window = this.#pairingWindow;
    if (!window) return this.#refuse(first, new PairingNotOpenError('pairing is not open'));
    let s: SessionState;
    try {
      window.policy?.assertAllowed();
      s = this.#openSession(first.sender.id, first.session);
    } catch (error) {
      return this.#refuse(first, error);
    }
    const pairing = createPairing({
      role: 'responder',
      identity: this.#init.identity,
      fingerprint: this.#init.fingerprint,
      mode: window.mode(),
      sessionId: s.sessionBytes,
      ...(window.policy ? { attempt: window.policy } : {}),
    });
    try {
      const result = await this.#runPairing(s, pairing, first, window.onCompare);
      window.onPaired?.(result);
    } catch (error) {
      const e = asLanrtcError(error);
      // Ends the attempt as a failure in the policy if the pairing itself has not (timeout, bye).
      await this.#abortPairing(s, pairing);
      window.onFailure?.(e);
      this.#sessionError(e, first.sender.id);
    } finally {
      this.#endSession(s);
    }
  }

  /**
   * Feed pairing envelopes to the state machine until it yields a result. Compare mode: the user's
   * verdict and the peer's next message are awaited together — the peer's confirm (its user said yes)
   * or abort (no) may come while ours is still deciding — within one deadline for both verdicts
   * (4 × `timeoutMs` from the digits). The result, and so the trust-store write, needs both confirms.
   */
  async #runPairing(
    s: SessionState,
    pairing: Pairing,
    first: OpenedEnvelope,
    onCompare: CompareHandler | undefined,
  ): Promise<PairingResult> {
    // Aborted when the run fails, so a prompt still showing is taken down (success needs our verdict).
    const prompt = createAbortHandle();
    try {
      return await this.#pairingLoop(s, pairing, first, onCompare, prompt.signal);
    } catch (error) {
      prompt.abort(error);
      throw error;
    }
  }

  async #pairingLoop(
    s: SessionState,
    pairing: Pairing,
    first: OpenedEnvelope,
    onCompare: CompareHandler | undefined,
    promptSignal: AbortSignalLike,
  ): Promise<PairingResult> {
    let env = first;
    let out = this.#receivePairing(pairing, env);
    let verdict: Promise<{ accepted: boolean }> | undefined;
    let next: Promise<{ env: OpenedEnvelope }> | undefined;
    let deadline: number | undefined;
    for (;;) {
      if (out.send) await this.#send(s, 'pairing', out.send);
      if (out.compare !== undefined) {
        // No handler = refuse. The handler runs while we keep reading the peer's messages.
        const digits = out.compare;
        deadline = Date.now() + this.#timeoutMs * 4;
        verdict = Promise.resolve(onCompare ? onCompare(digits, promptSignal) : false).then((v) => ({
          accepted: v,
        }));
        verdict.catch(() => {}); // still pending when the run ends early (the peer's abort, a timeout)
      }
      if (out.result) {
        // The PAKE transcript names an identity key; it must be the key that signed the envelopes.
        if (!equalBytes(out.result.peer.publicKey, env.sender.publicKey)) {
          throw new InvalidSignatureError('pairing identity differs from the envelope signer');
        }
        await rememberPeer(this.#init.trust, {
          identity: out.result.peer,
          fingerprints: [out.result.peerFingerprint],
          pairedAt: this.#now(),
          now: this.#now(),
        });
        return out.result;
      }
      if (!next) {
        const wait = deadline === undefined ? this.#timeoutMs : Math.max(0, deadline - Date.now());
        const late =
          deadline === undefined ? undefined : 'the comparison was not confirmed by both users in time';
        next = this.#next(s, ['pairing'], wait, late).then((e) => ({ env: e }));
        next.catch(() => {}); // a take still pending when the verdict ends the run
      }
      const got = await (verdict ? Promise.race([next, verdict]) : next);
      if ('accepted' in got) {
        verdict = undefined;
        if (!got.accepted) {
          pairing.confirm(false); // fails the pairing; the caller's #abortPairing tells the peer
          throw new PairingFailedError('numeric comparison rejected');
        }
        out = pairing.confirm(true);
        continue;
      }
      next = undefined;
      env = got.env;
      out = this.#receivePairing(pairing, env);
    }
  }

  /** Pairings the peer ended with an abort: they get no abort back (it would start a new attempt). */
  readonly #abortedByPeer = new WeakSet<Pairing>();

  #receivePairing(pairing: Pairing, env: OpenedEnvelope) {
    if (equalBytes(env.payload, PAIRING_ABORT)) this.#abortedByPeer.add(pairing);
    return pairing.receive(env.payload);
  }

  async #abortPairing(s: SessionState, pairing: Pairing): Promise<void> {
    // Also after a local failure: the peer must learn at once, not wait for its deadline.
    if (pairing.state === 'done' || this.#abortedByPeer.has(pairing)) return;
    await this.#send(s, 'pairing', pairing.abort()).catch(() => {});
  }

  async #answer(offerEnv: OpenedEnvelope): Promise<void> {
    await this.#pairingsFrom.get(offerEnv.sender.id); // an offer right after pairing waits for it
    const known = await this.#init.trust.get(offerEnv.sender.id);
    if (!known || !equalBytes(known.publicKey, offerEnv.sender.publicKey)) {
      return this.#refuse(offerEnv, new NotPairedError('offer from an identity that is not paired'));
    }
    let s: SessionState;
    try {
      s = this.#openSession(offerEnv.sender.id, offerEnv.session);
    } catch (error) {
      return this.#refuse(offerEnv, error);
    }
    let peer: P | undefined;
    try {
      peer = await this.#init.createPeer({ remote: offerEnv.sender, role: 'answerer', session: s.id });
      const stopTrickle = this.#trickle(s, peer);
      const offer = decodeDescription(offerEnv.payload, 'offer');
      await peer.setRemoteDescription(offer);
      const answer = await peer.createAnswer();
      await peer.setLocalDescription(answer);
      const sent = peer.localDescription() ?? answer;
      await this.#send(s, 'answer', encodeDescription(sent));
      stopTrickle.ready(sent.sdp);
      const connection = await this.#finish(s, peer, offerEnv.sender, offer.sdp, true);
      this.#connections.emit(connection);
    } catch (error) {
      const e = asLanrtcError(error);
      peer?.close();
      // No bye back to a peer whose own bye ended it.
      if (!(e instanceof PeerRejectedError)) await this.#sendBye(s, e.name);
      this.#endSession(s);
      this.#sessionError(e, offerEnv.sender.id);
    }
  }

  // ---- session plumbing ------------------------------------------------------------------------

  /**
   * Wait for the transport, then check the certificate the peer showed against what it signed.
   * `polite`: this side accepted the connection, so it yields when both renegotiate at once.
   */
  async #finish(
    s: SessionState,
    peer: P,
    remote: PublicIdentity,
    remoteSdp: string,
    polite: boolean,
  ): Promise<Connection<P>> {
    const negotiator = createNegotiator({
      peer,
      polite,
      send: (type, payload) => this.#send(s, type, payload),
      fingerprintOf: signedFingerprint,
      timeoutMs: this.#timeoutMs,
      count: (name) => this.#count(name),
    });
    const ended = this.#runSession(s, peer, negotiator);
    // Listen from now: a `negotiationneeded` fired while the first exchange finishes (werift can)
    // is not repeated by the stack, so it is remembered and served right after the hand-over.
    let handedOver = false;
    let missed = false;
    const renegotiate = () => negotiator.renegotiate();
    const auto = () => {
      renegotiate().catch((error) => this.#sessionError(asLanrtcError(error), remote.id));
    };
    const unsubscribe = peer.onNegotiationNeeded?.(() => {
      if (handedOver) auto();
      else missed = true;
    });
    if (unsubscribe) s.inbox.onEnd(unsubscribe);
    await this.#withDeadline(s, peer.connected(), 'transport did not connect');
    const signed = signedFingerprint(remoteSdp);
    const seen = await peer.remoteCertificateFingerprint();
    if (!seen || !equalBytes(seen, signed)) {
      throw new FingerprintMismatchError('DTLS certificate differs from the fingerprint the peer signed');
    }
    // The SDP carrying `signed` came in an envelope `remote` signed: that is the rotation evidence.
    await checkPeerFingerprint(
      this.#init.trust,
      remote.id,
      seen,
      { signedBy: remote, fingerprints: [signed] },
      {
        now: this.#now(),
      },
    );
    negotiator.verified(seen);
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
        await this.#sendBye(s, 'closed');
        this.#endSession(s);
      },
    };
  }

  /**
   * The session after the first offer/answer, for the life of the connection: apply trickled
   * candidates, answer or complete renegotiations. A `bye` from the peer (it closed, or its own
   * verification failed after ours passed) closes the peer connection here; so does a renegotiation
   * that fails its checks, after telling the peer why.
   */
  async #runSession(s: SessionState, peer: P, negotiator: Negotiator): Promise<string> {
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
        env = await this.#next(s, ['candidate', 'offer', 'answer'], Number.POSITIVE_INFINITY);
      } catch (error) {
        const e = asLanrtcError(error);
        // Read before `peer.close()`, whose own `closed` event is not the peer's doing.
        const byItself = endedAs;
        // The session's first failure is the real cause: a hand-over still waiting in #finish (the
        // peer's bye while ICE/DTLS is still connecting) rejects with it, not with the close below.
        s.fail(e);
        negotiator.close(e);
        // Whatever ended it (our close, the peer's bye, a frame that failed its checks, the peer
        // connection going away): the peer connection and the session go with it.
        peer.close();
        this.#endSession(s);
        if (e instanceof PeerRejectedError) return e.reason;
        if (byItself) return byItself;
        return e instanceof TransportClosedError ? 'closed' : e.name;
      }
      if (env.type === 'candidate') {
        try {
          await peer.addIceCandidate(decodeCandidatePayload(env.payload));
        } catch (error) {
          // A candidate the peer signed but that does not decode or apply: counted, the session goes on.
          this.#count(error instanceof LanrtcError ? error.name : 'CandidateRejectedError');
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
        await this.#sendBye(s, e.name);
        this.#endSession(s);
        this.#sessionError(e, s.remoteId);
        return e.name;
      }
    }
  }

  /**
   * Send local candidates once the description that precedes them is out, except those gathered
   * before it that it already carries (werift finishes gathering inside setLocalDescription).
   */
  #trickle(s: SessionState, peer: P): { ready(sentSdp: string): void } {
    const early: Parameters<typeof encodeCandidatePayload>[0][] = [];
    let ready = false;
    const send = (c: Parameters<typeof encodeCandidatePayload>[0]) => {
      this.#send(s, 'candidate', encodeCandidatePayload(c)).catch(() => {});
    };
    const unsubscribe = peer.onLocalCandidate((c) => (ready ? send(c) : early.push(c)));
    s.inbox.onEnd(unsubscribe);
    return {
      ready(sentSdp) {
        ready = true;
        if (early.length === 0) return;
        const described = describedCandidates(sentSdp);
        for (const c of early.splice(0)) if (!described(c)) send(c);
      },
    };
  }

  #openSession(remoteId: string, sessionBytes?: Uint8Array): SessionState {
    if (this.#closed) throw new TransportClosedError('agent closed');
    if (this.#sessions.size >= (this.#init.maxSessions ?? 64)) {
      throw new SessionLimitError('too many concurrent sessions');
    }
    const bytes = sessionBytes ?? randomSession();
    const id = toHex(bytes);
    if (this.#sessions.has(id)) throw new SessionLimitError('session id already in use');
    const inbox = new Inbox<OpenedEnvelope>(256);
    const s: SessionState = {
      id,
      sessionBytes: bytes,
      remoteId,
      inbox,
      counter: 0,
      fail: (error) => inbox.fail(error),
    };
    this.#sessions.set(id, s);
    return s;
  }

  #endSession(s: SessionState): void {
    this.#sessions.delete(s.id);
    s.inbox.end();
  }

  async #next(
    s: SessionState,
    types: readonly EnvelopeType[],
    timeoutMs = this.#timeoutMs,
    late = 'no reply from peer in time',
  ): Promise<OpenedEnvelope> {
    for (;;) {
      const env = await s.inbox.take(timeoutMs, () => new SessionTimeoutError(late));
      if (env.type === 'bye') {
        const reason = safeBye(env.payload);
        throw new PeerRejectedError(`peer ended the session: ${reason}`, reason);
      }
      if (types.includes(env.type)) return env;
      this.#count('UnexpectedEnvelopeTypeError');
    }
  }

  async #withDeadline(s: SessionState, p: Promise<void>, what: string): Promise<void> {
    await s.inbox.race(p, this.#timeoutMs, () => new SessionTimeoutError(what));
  }

  async #send(s: SessionState, type: EnvelopeType, payload: Uint8Array): Promise<void> {
    s.counter += 1;
    const bytes = sealEnvelope(this.#init.identity, {
      type,
      recipient: s.remoteId,
      session: s.sessionBytes,
      counter: s.counter,
      timestamp: this.#now(),
      payload,
    });
    await this.#init.transport.send(s.remoteId, bytes);
  }

  async #sendBye(s: SessionState, reason: string): Promise<void> {
    await this.#send(s, 'bye', encodeBye(reason)).catch(() => {});
  }

  /** Tell a peer (by transport hint) that a frame of its failed here; signed, so it cannot be forged. */
  #byeBudget = new Map<string, number>();
  async #sendRawBye(to: string, reason: string): Promise<void> {
    const now = this.#now();
    if ((this.#byeBudget.get(to) ?? 0) > now) return; // at most one per peer per second
    this.#byeBudget.set(to, now + 1000);
    if (this.#byeBudget.size > 1024) this.#byeBudget.clear();
    const bytes = sealEnvelope(this.#init.identity, {
      type: 'bye',
      recipient: to,
      session: ZERO_SESSION,
      counter: now,
      timestamp: now,
      payload: encodeBye(reason),
    });
    await this.#init.transport.send(to, bytes).catch(() => {});
  }

  async #refuse(env: OpenedEnvelope, error: unknown): Promise<void> {
    const e = asLanrtcError(error);
    this.#count(e.name);
    const bytes = sealEnvelope(this.#init.identity, {
      type: 'bye',
      recipient: env.sender.id,
      session: env.session,
      counter: 1,
      timestamp: this.#now(),
      payload: encodeBye(e.name),
    });
    await this.#init.transport.send(env.sender.id, bytes).catch(() => {});
    this.#sessionError(e, env.sender.id);
  }

  #sessionError(error: LanrtcError, remoteId: string | undefined): void {
    this.#sessionErrors.emit({ error, remoteId });
  }

  #count(name: string): void {
    this.rejected[name] = (this.rejected[name] ?? 0) + 1;
  }

  #now(): number {
    return this.#init.now?.() ?? Date.now();
  }
}

function randomSession(): Uint8Array {
  return randomBytes(16);
}

function signedFingerprint(sdp: string): Uint8Array {
  const line = /^a=fingerprint:(.+)$/m.exec(sdp);
  if (!line?.[1]) throw new FingerprintMismatchError('remote description carries no fingerprint');
  return parseSdpFingerprint(line[1]);
}

function safeBye(payload: Uint8Array): string {
  try {
    return decodeBye(payload);
  } catch {
    return 'unknown';
  }
}

function asLanrtcError(error: unknown): LanrtcError {
  if (error instanceof LanrtcError) return error;
  return new LanrtcError('unexpected failure', { cause: error });
}
