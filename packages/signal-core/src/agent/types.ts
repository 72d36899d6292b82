/**
 * `LanAgent`: the one shape of a lanrtc agent on every platform (`createNodeAgent`,
 * `createBrowserAgent`). It holds an identity, its DTLS certificate and a trust store, and makes
 * connections by every path — relay, direct from a card, QR codes — all resolving to `Connection`.
 */
import type { Card } from '../card/types.js';
import type { AbortSignalLike } from '../encoding/abort.js';
import type { LanrtcError } from '../errors.js';
import type { Unsubscribe } from '../events.js';
import type { PublicIdentity } from '../identity/identity.js';
import type { PairingMode, PairingResult } from '../pairing/pairing.js';
import type { AttemptPolicyInit, AttemptPolicyState } from '../pairing/policy.js';
import type { QrOffer } from '../qr/payload.js';
import type { RelayConnection } from '../relay/client/options.js';
import type { CompareHandler } from '../session/agent.js';
import type { SessionPeer } from '../session/peer.js';
import type { TrustStore } from '../trust/store.js';
import type { Connection } from './connection.js';

/** Options of `agent.connectDirect`. */
export interface DirectConnectOptions {
  /**
   * First contact: pair in-band (`{ kind: 'pin', pin }` the device shows, or `{ kind: 'compare' }`
   * with `onCompare`). A pairing card's own secret is used when this is absent.
   */
  readonly pairing?: PairingMode;
  /** Compare-mode pairing: show the digits, resolve with the user's verdict. */
  readonly onCompare?: CompareHandler;
  /** Until the connection is open and authenticated, in ms (platform default when absent). */
  readonly timeoutMs?: number;
  /** Clock for the card's expiry check when a QR text is given (ms since the epoch; default now). */
  readonly now?: number;
  /** Abort connecting: rejects with `signal.reason`, the peer connection is closed. */
  readonly signal?: AbortSignalLike;
}

/** Options of `agent.createQrOffer`. */
export interface QrOfferOptions {
  /** Put a one-time pairing secret in the offer (first contact): `true` for a random one. */
  readonly pairWithSecret?: boolean;
  /** ICE/DTLS deadline once the answer is read, in ms (platform default when absent). */
  readonly timeoutMs?: number;
  /** Abort: an offer waiting for its answer is closed; `accept` rejects with `signal.reason`. */
  readonly signal?: AbortSignalLike;
}

/** Options of `agent.answerQrOffer`. */
export interface QrAnswerOptions {
  /** From the answer being ready until the connection is open, in ms (default `QR_ANSWER_TIMEOUT_MS`). */
  readonly timeoutMs?: number;
  /** Name stored for the offerer when pairing with the offer's secret. */
  readonly peerName?: string;
  /** Abort: the pending connection rejects with `signal.reason`. */
  readonly signal?: AbortSignalLike;
}

/** A QR offer waiting for its answer. */
export interface PendingQrOffer<P extends SessionPeer> {
  /** The offer's QR text (`LR1:…`): show it as a QR code or let the user copy it. */
  readonly text: string;
  /** Read the answer's text (scanned or pasted) and connect; `QrMismatchError` for an answer to another offer. */
  accept(answerText: string): Promise<Connection<P>>;
  /** Give up (closes the peer connection unless `accept` already returned a connection). */
  close(): void;
}

/** A QR answer: its text to show, and the connection it leads to once the offerer read it. */
export interface QrAnswer<P extends SessionPeer> {
  /** The answer's QR text: show it as a QR code or let the user copy it. */
  readonly text: string;
  /** The offer it answers, decoded and verified. */
  readonly offer: QrOffer;
  /** Settles when the offerer has read the answer and both sides authenticated (already has a catch handler). */
  readonly connection: Promise<Connection<P>>;
}

/** What `showPin` and `acceptCompare` return: the pairings it completes, and a way to stop. */
export interface PairingDisplay {
  /** Every pairing completed through this display (a host pairs many players), in order. */
  onPaired(listener: (result: PairingResult) => void): Unsubscribe;
  /** Every attempt that failed (wrong PIN, timeout, rejected comparison): a guesser shows up here. */
  onFailure(listener: (error: LanrtcError) => void): Unsubscribe;
  /** Stop accepting pairings through this display. */
  close(): void;
}

/** What `showPin` returns: the PIN to show now, its changes, guessing, and the pairings it completes. */
export interface PinDisplay extends PairingDisplay {
  /** The PIN to show now (it rotates after a success and on expiry; someone else's wrong guess leaves it). */
  pin(): string;
  /** Every new PIN, so the UI can redraw. */
  onChange(listener: (pin: string) => void): Unsubscribe;
  /** Failed PIN attempts and the lock now (`locked`, `lockedUntil` in `Date.now()` ms). */
  attempts(): AttemptPolicyState;
  /**
   * After every failed PIN attempt, lockout and success: while failures mount or `locked` is set, say
   * "someone is guessing: use the QR code or compare" — those never pass through the PIN's lock.
   */
  onAttempts(listener: (state: AttemptPolicyState) => void): Unsubscribe;
}

/** A started agent; `P` is the platform's peer connection adapter. */
export interface LanAgent<P extends SessionPeer> {
  /** This agent's identity id (what peers address it by). */
  readonly id: string;
  /** This agent's public identity. */
  readonly identity: PublicIdentity;
  /** SHA-256 of this agent's DTLS certificate. */
  readonly fingerprint: Uint8Array;
  /** Known (paired) peers. */
  readonly trust: TrustStore;
  /** The relay connection when created with `relay` (state, stats, rooms); closed by `close()`. */
  readonly relay: RelayConnection | undefined;
  /** Signalling frames rejected, by error name (what a hostile relay or neighbour costs). */
  readonly rejected: Readonly<Record<string, number>>;
  /** Connect to a paired peer through the relay (`NotPairedError` before pairing, `NoSignallingPathError` without a relay). */
  connect(peerId: string): Promise<Connection<P>>;
  /** Connect to the device behind a card (a verified `Card`, or a card / pairing-card QR text) and authenticate in-band. */
  connectDirect(card: Card | string, options?: DirectConnectOptions): Promise<Connection<P>>;
  /** Make a QR offer for a peer with no network service in between (browser ↔ browser, browser ↔ Node). */
  createQrOffer(options?: QrOfferOptions): Promise<PendingQrOffer<P>>;
  /** Answer a QR offer's text: the answer's text at once, the connection when the offerer read it. */
  answerQrOffer(offerText: string, options?: QrAnswerOptions): Promise<QrAnswer<P>>;
  /** Pair with `peerId` through the relay in any mode (`compare` needs `onCompare`). */
  pair(peerId: string, mode: PairingMode, options?: { onCompare?: CompareHandler }): Promise<PairingResult>;
  /** Pair through the relay with the PIN `peerId` shows (`WeakPinError` for a malformed one). */
  enterPin(peerId: string, pin: string): Promise<PairingResult>;
  /**
   * Accept pairing by a PIN this agent shows, on every path it is reached by; attempts limited (a
   * lock refuses PIN attempts only: an open `acceptCompare` or QR pairing card stays usable).
   */
  showPin(policy?: AttemptPolicyInit): PinDisplay;
  /** Accept numeric-comparison pairing on every path: `onCompare` shows the digits, returns the verdict. */
  acceptCompare(onCompare: CompareHandler): PairingDisplay;
  /**
   * Accept pairing by a secret this agent handed out (a room's join QR code), reusable until closed:
   * every peer that proves it pairs. While several secret windows are open, the newest one answers
   * (a CPace hello names the mode, not which secret), so keep one open at a time.
   */
  acceptSecret(secret: Uint8Array): PairingDisplay;
  /**
   * Sign a rooms-layer message with this agent's identity key. Only the room domains
   * (`lanrtc/room/name/v1`, `lanrtc/room/roster/v1`) are accepted (`InvalidArgumentError` otherwise),
   * so nothing signed here can pass for an envelope, card or pairing transcript.
   */
  signRoomMessage(domain: string, message: Uint8Array): Uint8Array;
  /** Every incoming authenticated connection (relay answers, a direct listener's peers). */
  onConnection(listener: (connection: Connection<P>) => void): Unsubscribe;
  /** Every incoming session that failed here (the app may log it); `remoteId` when known. */
  onSessionError(listener: (error: LanrtcError, remoteId: string | undefined) => void): Unsubscribe;
  /**
   * Once, when `close()` starts — before its connections close, so what the app built on the agent
   * (a hosted room) can still say goodbye on them.
   */
  onClose(listener: () => void): Unsubscribe;
  /** Close every connection's signalling, the relay and listeners. */
  close(): Promise<void>;
}
