/**
 * The signalling agent: one per identity, it owns a transport and routes every incoming sealed
 * envelope to the session it belongs to. It runs first-contact pairing (a PAKE carried in `pairing`
 * envelopes) and connections (offer / answer / trickled candidates), and hands a connection to the
 * application only after the DTLS certificate the peer actually presented equals the fingerprint
 * that peer's identity signed. This file is the routing (sessions by id, which errors end which
 * sessions) and the two entry points (`pair`, `connect`; answering offers and pairing requests);
 * the pairing driver is `pairing-run.ts`, the hand-over and live session `handover.ts`, trickle
 * `trickle.ts`, the shared state `session-io.ts`.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import type { Connection } from '../agent/connection.js';
import { equalBytes, toHex } from '../encoding/bytes.js';
import { type EnvelopeType, type OpenedEnvelope, openEnvelope, sealEnvelope } from '../envelope/envelope.js';
import { createReplayGuard, type ReplayGuard } from '../envelope/replay.js';
import {
  LanrtcError,
  NotPairedError,
  PairingNotOpenError,
  PeerRejectedError,
  SessionLimitError,
  SessionTimeoutError,
  TransportClosedError,
} from '../errors.js';
import { createListeners, type Unsubscribe } from '../events.js';
import type { PublicIdentity } from '../identity/identity.js';
import { peekHelloMode } from '../pairing/messages.js';
import { createPairing, type Pairing, type PairingMode, type PairingResult } from '../pairing/pairing.js';
import { handOver } from './handover.js';
import { Inbox } from './inbox.js';
import { abortPairing, runPairing } from './pairing-run.js';
import { selectPairingWindow, startResponderPairing } from './pairing-windows.js';
import { decodeBye, decodeDescription, encodeBye, encodeDescription } from './payload.js';
import type { SessionPeer } from './peer.js';
import { asLanrtcError, type SessionIo, type SessionState } from './session-io.js';
import { trickle } from './trickle.js';
import type { AgentInit, CompareHandler, PairingWindow } from './types.js';

export type { AgentInit, CompareHandler, PairingWindow, PeerContext } from './types.js';

const ZERO_SESSION = new Uint8Array(16);

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
  /** A listener that throws: the connection stays, the error is reported as a session error. */
  readonly #connections = createListeners<Connection<P>>((error) =>
    this.#sessionError(asLanrtcError(error), undefined),
  );
  readonly #sessionErrors = createListeners<{ error: LanrtcError; remoteId: string | undefined }>();
  /** Frames rejected, by error name (what a hostile transport or neighbour costs us). */
  readonly rejected: Record<string, number> = {};

  /** What the pairing driver, the hand-over and trickle use of this agent. */
  readonly #io: SessionIo;

  constructor(init: AgentInit<P>) {
    this.#init = init;
    this.#timeoutMs = init.timeoutMs ?? 15_000;
    this.#io = {
      identity: init.identity,
      trust: init.trust,
      timeoutMs: this.#timeoutMs,
      now: () => this.#now(),
      count: (name) => this.#count(name),
      sessionError: (error, remoteId) => this.#sessionError(error, remoteId),
      send: (s, type, payload) => this.#send(s, type, payload),
      next: (s, types, timeoutMs, late) => this.#next(s, types, timeoutMs, late),
      withDeadline: (s, p, what) => this.#withDeadline(s, p, what),
      sendBye: (s, reason) => this.#sendBye(s, reason),
      endSession: (s) => this.#endSession(s),
    };
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
      return await runPairing(this.#io, s, pairing, await this.#next(s, ['pairing']), opts.onCompare);
    } catch (error) {
      await abortPairing(this.#io, s, pairing);
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
      const stopTrickle = trickle(this.#io, s, peer);
      const offer = await peer.createOffer();
      await peer.setLocalDescription(offer);
      const sent = peer.localDescription() ?? offer;
      await this.#send(s, 'offer', encodeDescription(sent));
      stopTrickle.ready(sent.sdp);
      const answerEnv = await this.#next(s, ['answer']);
      const answer = decodeDescription(answerEnv.payload, 'answer');
      await peer.setRemoteDescription(answer);
      return await handOver(this.#io, s, peer, answerEnv.sender, answer.sdp, false);
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
        // A bye bound to no session (older agents answered a frame they could not verify with one)
        // names no session it ends, and a relay can hold a genuine one back for the envelope's whole
        // freshness window and deliver it against a newer connection: it ends nothing.
        this.#count('SessionlessByeIgnored');
      } else if (env.type === 'pairing') {
        void this.#respondPairing(env);
      } else if (env.type === 'offer') {
        void this.#answer(env);
      } else {
        this.#count('UnknownSessionError');
      }
    }
  }

  /**
   * A frame that did not open (forged, cut, stale, replayed, not for us) is dropped and counted,
   * nothing else: the transport's sender label is unauthenticated, so failing the sessions of the
   * peer it names, or answering it, would let whoever carries the frames end connections at will.
   */
  #rejectFrame(error: unknown, fromHint: string): void {
    const name = error instanceof LanrtcError ? error.name : 'MalformedInputError';
    this.#count(name);
    this.#init.logger?.warn('dropped frame', { reason: name, from: fromHint });
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
    const open = this.#pairingWindow;
    if (!open) return this.#refuse(first, new PairingNotOpenError('pairing is not open'));
    let s: SessionState | undefined;
    let window: PairingWindow;
    let pairing: Pairing;
    try {
      // The window of the mode the hello asks for: a PIN lockout never refuses a secret or compare hello.
      window = selectPairingWindow(open, peekHelloMode(first.payload));
      s = this.#openSession(first.sender.id, first.session);
      pairing = startResponderPairing(window, {
        identity: this.#init.identity,
        fingerprint: this.#init.fingerprint,
        sessionId: s.sessionBytes,
      });
    } catch (error) {
      if (s) this.#endSession(s);
      return this.#refuse(first, error);
    }
    try {
      const result = await runPairing(this.#io, s, pairing, first, window.onCompare);
      window.onPaired?.(result);
    } catch (error) {
      const e = asLanrtcError(error);
      // Ends the attempt as a failure in the policy if the pairing itself has not (timeout, bye).
      await abortPairing(this.#io, s, pairing);
      window.onFailure?.(e);
      this.#sessionError(e, first.sender.id);
    } finally {
      this.#endSession(s);
    }
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
      const stopTrickle = trickle(this.#io, s, peer);
      const offer = decodeDescription(offerEnv.payload, 'offer');
      await peer.setRemoteDescription(offer);
      const answer = await peer.createAnswer();
      await peer.setLocalDescription(answer);
      const sent = peer.localDescription() ?? answer;
      await this.#send(s, 'answer', encodeDescription(sent));
      stopTrickle.ready(sent.sdp);
      const connection = await handOver(this.#io, s, peer, offerEnv.sender, offer.sdp, true);
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

function safeBye(payload: Uint8Array): string {
  try {
    return decodeBye(payload);
  } catch {
    return 'unknown';
  }
}
