/**
 * `createLanAgent`: the platform-free half of `createNodeAgent` and `createBrowserAgent` — the
 * pairing conveniences (`showPin`, `enterPin`, `acceptCompare`), one pairing window shared by
 * every path the agent is reached by, and the fan-out of incoming connections. A platform supplies
 * its peer connections: the signalling agent and the in-band paths (direct connect, QR codes).
 * One file, longer than most: the pairing window, the held connections and closing everything the
 * agent made all read and write the same lifecycle state (`closed`, what is live, what is pending).
 */
import type { Card } from '../card/types.js';
import { type AbortSignalLike, createLinkedAbort } from '../encoding/abort.js';
import { timers } from '../encoding/timers.js';
import {
  InvalidArgumentError,
  type LanrtcError,
  MalformedInputError,
  NoSignallingPathError,
  PairingModeUnsupportedError,
  TransportClosedError,
} from '../errors.js';
import { createHeldListeners, createListeners, type Unsubscribe } from '../events.js';
import { type Identity, publicIdentity, signWithDomain } from '../identity/identity.js';
import type { PairingMode, PairingResult } from '../pairing/pairing.js';
import { assertUsablePin, assertUsableSecret, generatePairingSecret } from '../pairing/pin.js';
import { type AttemptPolicyState, createAttemptPolicy } from '../pairing/policy.js';
import { cardFromQrText, decodeQrPayload, type QrOffer } from '../qr/payload.js';
import type { RelayConnection } from '../relay/client/options.js';
import { ROOM_SIGNATURE_DOMAINS } from '../room/roster.js';
import type { Agent, PairingWindow } from '../session/agent.js';
import { combinePairingWindows, createReusableSecretWindow } from '../session/pairing-windows.js';
import type { SessionPeer } from '../session/peer.js';
import { asLanrtcError } from '../session/session-io.js';
import type { TrustStore } from '../trust/store.js';
import type { Connection } from './connection.js';
import type {
  DirectConnectOptions,
  LanAgent,
  PairingDisplay,
  PendingQrOffer,
  PinDisplay,
  QrAnswer,
  QrAnswerOptions,
  QrOfferOptions,
} from './types.js';

/** Incoming connections held for the first `onConnection` subscriber; beyond this they are closed. */
export const MAX_UNCLAIMED_CONNECTIONS = 16;

/** Something that accepts in-band pairing while a window is open (a direct listener, a signalling agent). */
export interface PairingTarget {
  openPairing(window: PairingWindow): () => void;
}

/** What a platform gives `createLanAgent`. */
export interface LanAgentPlatform<P extends SessionPeer> {
  readonly identity: Identity;
  /** SHA-256 of the agent's DTLS certificate. */
  readonly fingerprint: Uint8Array;
  readonly trust: TrustStore;
  /** The relay-path agent, when the platform was given a relay or transport. */
  readonly signalling: Agent<P> | undefined;
  readonly relay: RelayConnection | undefined;
  /** Direct connect to a verified card; `pairing` already resolved from the options or the card's secret. */
  connectDirect(
    card: Card,
    pairing: PairingMode | undefined,
    options: DirectConnectOptions,
  ): Promise<Connection<P>>;
  /**
   * QR offer; `secret` is the one-time pairing secret the offer carries, if any. Without one, only a
   * peer that already trusts this agent connects (no pairing window: no answerer could use one).
   */
  createQrOffer(secret: Uint8Array | undefined, options: QrOfferOptions): Promise<PendingQrOffer<P>>;
  answerQrOffer(offer: QrOffer, options: QrAnswerOptions): Promise<QrAnswer<P>>;
  /** Release what the platform owns (after the signalling agent closed). */
  close(): Promise<void>;
}

/** The agent plus the hooks a platform uses to add paths of its own (a direct listener). */
export interface LanAgentCore<P extends SessionPeer> extends LanAgent<P> {
  /** A path that accepts pairing joins the agent's current and future pairing windows; returns leave. */
  addPairingTarget(target: PairingTarget): Unsubscribe;
  /** Hand an incoming connection to the application (held until the first subscriber). */
  emitConnection(connection: Connection<P>): void;
  /** Report an incoming session that failed. */
  emitSessionError(error: LanrtcError, remoteId: string | undefined): void;
}

/** Build the agent from a platform's paths. */
export function createLanAgent<P extends SessionPeer>(platform: LanAgentPlatform<P>): LanAgentCore<P> {
  const sessionErrors = createListeners<{ error: LanrtcError; remoteId: string | undefined }>();
  const closing = createListeners<void>();
  // An `onConnection` listener that throws: the connection stays, the error is reported.
  const connections = createHeldListeners<Connection<P>>(
    MAX_UNCLAIMED_CONNECTIONS,
    (c) => void c.close(),
    (error) => sessionErrors.emit({ error: asLanrtcError(error), remoteId: undefined }),
  );
  const targets = new Map<PairingTarget, (() => void) | undefined>();
  /** Every open display's window, oldest first: all stay open at once, each for its own mode. */
  const open: PairingWindow[] = [];
  let window: PairingWindow | undefined;
  let closed = false;
  // What the in-band paths made: closed with the agent (the relay path's agent closes its own).
  const live = new Set<Connection<P>>();
  const pendingOffers = new Set<PendingQrOffer<P>>();
  const offersDone = new WeakMap<PendingQrOffer<P>, () => void>();
  /** Connection attempts under way on the in-band paths: aborted when the agent closes. */
  const attempts = new Set<(reason: unknown) => void>();
  /**
   * Run `start` with a signal that aborts on the caller's signal or when the agent closes (a real
   * platform `AbortSignal`, so platform code may use it as one); `done` settles the attempt.
   */
  const attempt = async <T>(
    options: { readonly signal?: AbortSignalLike },
    start: (signal: AbortSignalLike) => Promise<T>,
    done: (value: T) => Promise<unknown> = async (value) => value,
  ): Promise<T> => {
    if (closed) throw new TransportClosedError('agent closed');
    const linked = createLinkedAbort(options.signal);
    attempts.add(linked.abort);
    const finish = () => {
      attempts.delete(linked.abort);
      linked.release();
    };
    try {
      const value = await start(linked.signal);
      void done(value).then(finish, finish);
      return value;
    } catch (error) {
      finish();
      throw error;
    }
  };
  /** Open PIN / compare displays: closed with the agent (a PIN display owns its rotation timer). */
  const displays = new Set<{ close(): void }>();
  const own = (connection: Connection<P>): Connection<P> => {
    if (closed) {
      // Made while the agent closed: nobody may use it.
      void connection.close();
      throw new TransportClosedError('agent closed');
    }
    live.add(connection);
    void connection.ended.then(() => live.delete(connection));
    return connection;
  };

  // Nobody listening yet: a few are held for the first subscriber, never an unbounded queue.
  const emitConnection = (connection: Connection<P>) => connections.emit(connection);
  const emitSessionError = (error: LanrtcError, remoteId: string | undefined) =>
    sessionErrors.emit({ error, remoteId });

  /**
   * Give every path the combination of the open windows: each hello goes to the newest display of
   * its mode, so a PIN display locked by a guesser never refuses a comparison (or a QR secret).
   */
  const reopen = () => {
    window = combinePairingWindows(open);
    for (const [target, close] of targets) {
      close?.();
      targets.set(target, window ? target.openPairing(window) : undefined);
    }
  };
  const openWindow = (next: PairingWindow): (() => void) => {
    open.push(next);
    reopen();
    return () => {
      const at = open.indexOf(next);
      if (at < 0) return;
      open.splice(at, 1);
      reopen();
    };
  };

  const signalling = () => {
    if (!platform.signalling) {
      throw new NoSignallingPathError(
        'this agent has no relay or transport: create it with `relay`, or use connectDirect / QR codes',
      );
    }
    return platform.signalling;
  };
  if (platform.signalling) {
    platform.signalling.onConnection(emitConnection);
    platform.signalling.onSessionError(emitSessionError);
    targets.set(platform.signalling, undefined);
  }

  const pair: LanAgent<P>['pair'] = async (peerId, mode, options = {}) => {
    // Without a way to show the digits the pairing could only fail at the other end: say why here.
    if (mode.kind === 'compare' && !options.onCompare) {
      throw new PairingModeUnsupportedError('compare mode needs an onCompare handler');
    }
    return signalling().pair(peerId, mode, options);
  };

  const display = (
    mode: () => PairingMode,
    extra: Partial<PairingWindow>,
  ): PairingDisplay & { readonly stop: () => void } => {
    const paired = createListeners<PairingResult>();
    const failed = createListeners<LanrtcError>();
    const close = openWindow({
      mode,
      ...extra,
      onPaired: (result) => paired.emit(result),
      onFailure: (error) => failed.emit(error),
    });
    return {
      onPaired: (listener) => paired.add(listener),
      onFailure: (listener) => failed.add(listener),
      stop: close,
      close: () => {
        close();
        paired.clear();
        failed.clear();
      },
    };
  };

  return {
    id: platform.identity.id,
    identity: publicIdentity(platform.identity.publicKey),
    fingerprint: platform.fingerprint,
    trust: platform.trust,
    relay: platform.relay,
    get rejected() {
      return platform.signalling?.rejected ?? {};
    },
    connect: async (peerId) => signalling().connect(peerId),
    async connectDirect(cardOrText, options = {}) {
      const { card, secret } =
        typeof cardOrText === 'string'
          ? cardFromQrText(cardOrText, options.now)
          : { card: cardOrText, secret: undefined };
      if (options.signal?.aborted) throw options.signal.reason;
      const pairing = options.pairing ?? (secret ? { kind: 'secret' as const, secret } : undefined);
      if (pairing?.kind === 'compare' && !options.onCompare) {
        throw new PairingModeUnsupportedError('compare mode needs an onCompare handler');
      }
      if (pairing?.kind === 'pin') assertUsablePin(pairing.pin);
      return own(
        await attempt(options, (signal) => platform.connectDirect(card, pairing, { ...options, signal })),
      );
    },
    async createQrOffer(options = {}) {
      const secret = options.pairWithSecret ? generatePairingSecret() : undefined;
      // The offer's signal bounds its whole life: waiting for the answer, then `accept`'s run.
      const offer = await attempt(
        options,
        (signal) => platform.createQrOffer(secret, { ...options, signal }),
        (pending) =>
          new Promise<void>((resolve) => {
            offersDone.set(pending, resolve);
          }),
      );
      if (closed) {
        offer.close();
        throw new TransportClosedError('agent closed');
      }
      pendingOffers.add(offer);
      return {
        text: offer.text,
        accept: async (answerText) => {
          // Tracked until it settles: a wrong answer (`QrMismatchError`) leaves the offer open for
          // the right one, and `close()` still closes it.
          const connection = await offer.accept(answerText);
          pendingOffers.delete(offer);
          offersDone.get(offer)?.();
          return own(connection);
        },
        close: () => {
          pendingOffers.delete(offer);
          offer.close();
          offersDone.get(offer)?.();
        },
      };
    },
    async answerQrOffer(offerText, options = {}) {
      const offer = decodeQrPayload(offerText);
      if (offer.kind !== 'offer') throw new MalformedInputError(`expected a QR offer, got ${offer.kind}`);
      const answer = await attempt(
        options,
        (signal) => platform.answerQrOffer(offer, { ...options, signal }),
        (pending) => pending.connection,
      );
      const connection = answer.connection.then(own);
      connection.catch(() => {}); // the caller reads it; never unhandled
      return { ...answer, connection };
    },
    pair,
    async enterPin(peerId, pin) {
      assertUsablePin(pin);
      return pair(peerId, { kind: 'pin', pin });
    },
    showPin(policyInit = {}): PinDisplay {
      if (closed) throw new TransportClosedError('agent closed');
      const changed = createListeners<string>();
      const attempts = createListeners<AttemptPolicyState>();
      let expiry: unknown;
      let stopped = false;
      // Every new PIN (after a success, or its expiry) reaches the UI; an expiring PIN is rotated on
      // time by a timer, not only when the next attempt happens to notice it.
      const policy = createAttemptPolicy({
        ...policyInit,
        onPinChange: (pin, expiresAt) => {
          policyInit.onPinChange?.(pin, expiresAt);
          timers.clearTimeout(expiry);
          if (stopped) return;
          expiry = timers.setTimeout(() => policy.pin(), Math.max(0, expiresAt - Date.now()) + 1);
          changed.emit(pin);
        },
        onStateChange: (state) => {
          policyInit.onStateChange?.(state);
          if (!stopped) attempts.emit(state);
        },
      });
      const shown = display(() => policy.mode(), { kind: 'pin', policy });
      const pinDisplay: PinDisplay = {
        pin: () => policy.pin(),
        onChange: (listener) => changed.add(listener),
        attempts: () => policy.state(),
        onAttempts: (listener) => attempts.add(listener),
        onPaired: shown.onPaired,
        onFailure: shown.onFailure,
        close() {
          stopped = true;
          timers.clearTimeout(expiry);
          changed.clear();
          attempts.clear();
          shown.close();
          displays.delete(pinDisplay);
        },
      };
      displays.add(pinDisplay);
      return pinDisplay;
    },
    acceptCompare(onCompare) {
      if (closed) throw new TransportClosedError('agent closed');
      const shown = display(() => ({ kind: 'compare' }), { kind: 'compare', onCompare });
      const compareDisplay: PairingDisplay = {
        onPaired: shown.onPaired,
        onFailure: shown.onFailure,
        close() {
          shown.close();
          displays.delete(compareDisplay);
        },
      };
      displays.add(compareDisplay);
      return compareDisplay;
    },
    acceptSecret(secret) {
      if (closed) throw new TransportClosedError('agent closed');
      assertUsableSecret(secret);
      const shown = display(() => ({ kind: 'secret', secret }), createReusableSecretWindow(secret));
      const secretDisplay: PairingDisplay = {
        onPaired: shown.onPaired,
        onFailure: shown.onFailure,
        close() {
          shown.close();
          displays.delete(secretDisplay);
        },
      };
      displays.add(secretDisplay);
      return secretDisplay;
    },
    signRoomMessage(domain, message) {
      if (!ROOM_SIGNATURE_DOMAINS.includes(domain))
        throw new InvalidArgumentError('signRoomMessage signs the room domains only');
      return signWithDomain(platform.identity, domain, message);
    },
    onConnection: (listener) => connections.add(listener),
    onSessionError: (listener) => sessionErrors.add(({ error, remoteId }) => listener(error, remoteId)),
    onClose: (listener) => closing.add(listener),
    async close() {
      if (closed) return;
      closed = true;
      closing.emit();
      closing.clear();
      for (const shown of [...displays]) shown.close();
      for (const close of targets.values()) close?.();
      targets.clear();
      for (const offer of pendingOffers) offer.close();
      pendingOffers.clear();
      const gone = new TransportClosedError('agent closed');
      for (const abort of [...attempts]) abort(gone);
      await Promise.all([...live].map((c) => c.close()));
      await platform.signalling?.close();
      await platform.close();
      connections.clear(); // closes connections nobody claimed
      sessionErrors.clear();
    },
    addPairingTarget(target) {
      if (closed) throw new TransportClosedError('agent closed');
      targets.set(target, window ? target.openPairing(window) : undefined);
      return () => {
        targets.get(target)?.();
        targets.delete(target);
      };
    },
    emitConnection,
    emitSessionError,
  };
}
