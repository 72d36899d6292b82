/**
 * The signal-core `Connection` that both ends of a direct connect (and of QR signalling) hand the
 * application once in-band authentication succeeded: the verified remote identity, the werift peer
 * (channels by label), the fingerprint of the certificate the remote presented in DTLS, and how
 * the connection ended. Renegotiation runs over the auth channel (signal-core's
 * `startDirectRenegotiation`): signed offers and answers, the relay path's rules.
 */
import {
  type Connection,
  type Identity,
  type LanrtcError,
  type PublicIdentity,
  TransportClosedError,
} from '@lanrtc/signal-core';
import type { SessionDescriptionInit } from '@lanrtc/signal-core/codec';
import { startDirectRenegotiation } from '@lanrtc/signal-core/protocol';
import { createListeners } from '@lanrtc/signal-core/session';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import { type WeriftSessionPeer, weriftSessionPeer } from '../session-peer.js';
import { weriftAuthPort } from './auth-port.js';

/** What renegotiation over the auth channel needs from the authentication that preceded it. */
export interface DirectRenegotiationParts {
  /** The auth channel (its authentication port already disposed). */
  readonly channel: RTCDataChannel;
  /** What that port still held when disposed: the peer's first frames after authentication. */
  readonly pending?: readonly Uint8Array[];
  readonly identity: Identity;
  /** `DirectAuthResult.session`. */
  readonly session: Uint8Array;
  /** True on the responder: it yields when both sides offer at once. */
  readonly polite: boolean;
  /** Rewrites a verified remote description before werift applies it (the device keeps its placeholders). */
  readonly remoteDescription?: (description: SessionDescriptionInit) => SessionDescriptionInit;
  /** Answer deadline (ms); signal-core's default otherwise. */
  readonly timeoutMs?: number;
}

/**
 * An authenticated connection over werift; `peer.channel(label)` waits for a channel either side
 * opens from now on, and `ended` settles with `closed` (closed here), `peer-closed` (the other side
 * closed) or `failed` (the transport failed).
 */
export type NodeConnection = Connection<WeriftSessionPeer>;

/** Wrap an authenticated werift connection; `onEnded` runs once when it closes or fails. */
export function directConnection(init: {
  pc: RTCPeerConnection;
  path: 'direct' | 'qr';
  remote: PublicIdentity;
  remoteFingerprint: Uint8Array;
  paired: boolean;
  /** The channel registry, when it had to exist before authentication (the initiator's side). */
  peer?: WeriftSessionPeer;
  renegotiation: DirectRenegotiationParts;
  onEnded?: (reason: string) => void;
}): NodeConnection {
  const peer = init.peer ?? weriftSessionPeer(init.pc);
  clearStaleNegotiationNeeded(init.pc);
  const parts = init.renegotiation;
  const rewrite = parts.remoteDescription;
  const errors = createListeners<LanrtcError>();
  let closeConnection: (reason: string) => void = () => {};
  const renegotiation = startDirectRenegotiation({
    port: weriftAuthPort(parts.channel, init.pc),
    ...(parts.pending ? { pending: parts.pending } : {}),
    // The rewrite applies after the negotiator checked the description as the peer signed it.
    peer: rewrite
      ? Object.assign(Object.create(peer) as WeriftSessionPeer, {
          setRemoteDescription: (d: SessionDescriptionInit) => peer.setRemoteDescription(rewrite(d)),
        })
      : peer,
    identity: parts.identity,
    remote: init.remote,
    session: parts.session,
    remoteFingerprint: init.remoteFingerprint,
    polite: parts.polite,
    ...(parts.timeoutMs !== undefined ? { timeoutMs: parts.timeoutMs } : {}),
    onError: (error) => errors.emit(error),
    onFatal: (error) => closeConnection(error.name),
  });
  let settle: (reason: string) => void = () => {};
  const ended = new Promise<string>((resolve) => {
    settle = resolve;
  });
  let done = false;
  const end = (reason: string) => {
    if (done) return;
    done = true;
    sub.unSubscribe();
    renegotiation.close(new TransportClosedError(`connection ended: ${reason}`));
    errors.clear();
    init.onEnded?.(reason);
    settle(reason);
  };
  let closing = false;
  // `closed` means closed here (signal-core's `Connection`); the other side closing is `peer-closed`.
  const byItself = (state: string) => (state === 'failed' ? 'failed' : closing ? 'closed' : 'peer-closed');
  const sub = init.pc.connectionStateChange.subscribe((state) => {
    if (state === 'closed' || state === 'failed') end(byItself(state));
  });
  onAssociationClosed(init.pc, () => {
    if (closing) return; // our own close() stops the association first
    peer.close();
    end('peer-closed');
  });
  // A signed description that failed its checks: the peer connection goes, `ended` names the error.
  closeConnection = (reason) => {
    if (done || closing) return;
    closing = true;
    end(reason);
    void closePeerConnection(init.pc).finally(() => peer.close());
  };
  if (init.pc.connectionState === 'closed' || init.pc.connectionState === 'failed') {
    end(byItself(init.pc.connectionState));
  }
  return {
    remote: init.remote,
    path: init.path,
    session: undefined,
    peer,
    remoteFingerprint: init.remoteFingerprint,
    paired: init.paired,
    ended,
    renegotiate: () => renegotiation.renegotiate(),
    onRenegotiationError: (listener) => errors.add(listener),
    async close() {
      if (closing) return ended.then(() => undefined);
      closing = true;
      await closePeerConnection(init.pc);
      peer.close();
      end('closed');
    },
  };
}

/**
 * werift fired `negotiationneeded` for the auth channel created around the first exchange, when no
 * one listened yet, and its flag stays set, which suppresses every later event (webrtc-pc §4.7.3
 * clears it when "check if negotiation is needed" finds nothing; werift 0.24.4 skips that check).
 * At hand-over a stable connection has nothing unnegotiated: the application has not touched it yet.
 */
function clearStaleNegotiationNeeded(pc: RTCPeerConnection): void {
  const internals = pc as unknown as { negotiationneeded?: unknown };
  if (pc.signalingState === 'stable' && typeof internals.negotiationneeded === 'boolean')
    internals.negotiationneeded = false;
}

const ABORT_FLUSH_MS = 20;

interface SctpInternals {
  sctpTransport?: {
    dtlsTransport?: { state?: string };
    sctp?: {
      associationState?: number;
      stop?: () => Promise<void>;
      stateChanged?: { closed?: { subscribe(f: () => void): unknown } };
    };
  };
}

/**
 * Close `pc` so the other side notices at once: werift's `close()` shuts DTLS before it sends the
 * SCTP ABORT (which then never leaves) and sends no DTLS close_notify, so the ABORT goes first here.
 */
export async function closePeerConnection(pc: RTCPeerConnection): Promise<void> {
  const sctp = (pc as unknown as SctpInternals).sctpTransport?.sctp;
  try {
    await sctp?.stop?.();
    // The ABORT is encrypted and handed to the socket asynchronously; let it leave first.
    await new Promise((resolve) => setTimeout(resolve, ABORT_FLUSH_MS));
  } catch {
    // Nothing to tell a peer whose association is already gone.
  }
  await pc.close();
}

/**
 * Run `listener` when the SCTP association closes (the remote sent ABORT, as werift's `close()`
 * does): werift reports neither a DataChannel nor a connection state change for that, so an
 * ICE-lite side would otherwise only notice at its idle timeout.
 */
export function onAssociationClosed(pc: RTCPeerConnection, listener: () => void): void {
  (pc as unknown as SctpInternals).sctpTransport?.sctp?.stateChanged?.closed?.subscribe(listener);
}

/** SCTP association states as werift numbers them (RFC 4960 §4), for error messages. */
const SCTP_STATES = [
  'new',
  'closed',
  'cookie-wait',
  'cookie-echoed',
  'established',
  'shutdown-pending',
  'shutdown-sent',
  'shutdown-received',
  'shutdown-ack-sent',
];

/**
 * Where `pc` got to, for the message of an error that ends a connection attempt: e.g.
 * `connection failed (ICE failed, DTLS new, SCTP closed)` tells which layer gave up.
 */
export function describeTransport(pc: RTCPeerConnection): string {
  const sctpTransport = (pc as unknown as SctpInternals).sctpTransport;
  const assoc = sctpTransport?.sctp?.associationState;
  const sctp = assoc === undefined ? 'none' : (SCTP_STATES[assoc] ?? `state ${assoc}`);
  const dtls = sctpTransport?.dtlsTransport?.state ?? 'none';
  return `connection ${pc.connectionState} (ICE ${pc.iceConnectionState}, DTLS ${dtls}, SCTP ${sctp})`;
}
