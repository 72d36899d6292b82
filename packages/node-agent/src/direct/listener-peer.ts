/**
 * The listener's handling of one connecting peer, from its first authenticated STUN request to an
 * authenticated connection or its removal: arm a device connection on the route, release the held
 * packets, run in-band authentication as responder, and keep every channel the peer opens before
 * that away from the application (closed, its messages dropped and counted).
 *
 * Two deadlines, never both at once: the peer's own timer bounds the time until the auth channel is
 * open (ICE, DTLS, SCTP); from then on only `runDirectAuth`'s deadline runs, so a pairing whose
 * trust-store write has begun (its commit point) is never cut off here: outcome, trust store and
 * counters agree.
 */
import { type Identity, type LanrtcError, TransportClosedError, type TrustStore } from '@lanrtc/signal-core';
import { type DirectAuthResult, runDirectAuth } from '@lanrtc/signal-core/protocol';
import type { PairingWindow } from '@lanrtc/signal-core/session';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import type { VideoCodecName } from '../media/video-codec.js';
import { certificateFingerprint, type DtlsCertificate } from '../peer/certificate.js';
import { remoteCertificateFingerprint } from '../peer/create-node-peer.js';
import { weriftAuthPort } from './auth-port.js';
import {
  closePeerConnection,
  directConnection,
  type NodeConnection,
  onAssociationClosed,
} from './connection.js';
import { createDevicePeer, keepPlaceholderCredentials } from './device-peer.js';
import type { MuxRoute } from './udp-mux.js';

/** Channels an unauthenticated peer may have open at once; more are closed at once (still counted). */
const MAX_EARLY_CHANNELS = 8;

/** Counters one peer updates (owned by the listener). */
export interface PeerCounters {
  connected: number;
  accepted: number;
  paired: number;
  authFailures: number;
  authTimeouts: number;
  /** Messages on channels a peer opened before it authenticated, and auth messages beyond what is held. */
  droppedMessages: number;
  droppedChannels: number;
  idleTimeouts: number;
}

/** What the listener gives each peer. */
export interface ListenerPeerInit {
  readonly route: MuxRoute;
  readonly identity: Identity;
  readonly trust: TrustStore;
  readonly certificate: DtlsCertificate;
  readonly ice: { ufrag: string; pwd: string };
  readonly addresses: readonly string[];
  readonly videoCodecs?: readonly VideoCodecName[];
  /** From the first STUN request until the auth channel is open (ms); then `authDeadlineMs` applies. */
  readonly deadlineMs: number;
  /**
   * `runDirectAuth`'s deadline, counted from the first STUN request like `deadlineMs`; absent:
   * signal-core's defaults (longer when a peer pairs in compare mode), counted from the run's start.
   */
  readonly authDeadlineMs?: number;
  readonly pairingWindow: () => PairingWindow | undefined;
  readonly counters: PeerCounters;
  readonly onConnection: (connection: NodeConnection) => void;
  readonly onError?: (error: LanrtcError | Error) => void;
  /** Called once when the peer is gone (route closed). */
  readonly onGone: () => void;
}

/** A peer being admitted; `drop` ends it (idle timeout, listener closing). */
export interface ListenerPeer {
  lastSeen: number;
  /** Remove the peer (`evicted`: its route made room for a newer peer); settles once its connection is closed. */
  drop(reason: 'idle' | 'closing' | 'evicted'): Promise<void>;
}

/** Start admitting the peer behind `route`. */
export function startListenerPeer(init: ListenerPeerInit): ListenerPeer {
  const { counters } = init;
  const abort = new AbortController();
  let pc: RTCPeerConnection | undefined;
  let authenticated = false;
  let gone = false;
  const started = Date.now();

  let closed: Promise<void> = Promise.resolve();
  /** The handed-over connection: closing it here (listener shutdown) reports `closed`, not `peer-closed`. */
  let handedOver: NodeConnection | undefined;
  const finish = (why?: 'closing') => {
    if (gone) return;
    gone = true;
    clearTimeout(timer);
    abort.abort(new TransportClosedError('peer removed'));
    if (why === 'closing' && handedOver) {
      // Shutting down: the route goes after the connection, so its SCTP ABORT still reaches the peer.
      closed = handedOver.close().finally(() => init.route.close());
    } else {
      init.route.close();
      if (pc) closed = closePeerConnection(pc);
    }
    if (authenticated) counters.connected--;
    init.onGone();
  };
  // Bounds only the connecting phase: cleared when in-band authentication starts (its own deadline).
  const timer = setTimeout(() => {
    counters.authTimeouts++;
    finish();
  }, init.deadlineMs);

  const admit = async () => {
    const device = await createDevicePeer({
      certificate: init.certificate,
      ice: init.ice,
      addresses: init.addresses,
      route: init.route,
      ...(init.videoCodecs ? { videoCodecs: init.videoCodecs } : {}),
    });
    pc = device.pc;
    if (gone) {
      closed = pc.close();
      return;
    }
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'closed' || state === 'failed') finish();
    });
    onAssociationClosed(pc, finish);
    // Channels the peer opens before it authenticated never reach the application: their messages
    // are dropped and counted, and they are closed once the peer is through (or go with the connection).
    const early: RTCDataChannel[] = [];
    const earlySub = pc.onDataChannel.subscribe((channel) => {
      counters.droppedChannels++;
      // Bounded: a peer still authenticating cannot make the device hold thousands of channels.
      if (early.length >= MAX_EARLY_CHANNELS) {
        channel.close();
        return;
      }
      early.push(channel);
      channel.onMessage.subscribe(() => {
        counters.droppedMessages++;
      });
    });
    const port = weriftAuthPort(device.authChannel, pc);
    init.route.release();
    let result: DirectAuthResult;
    let remoteFingerprint: Uint8Array | undefined;
    let pending: Uint8Array[] = [];
    try {
      await port.opened();
      // The auth channel is open, so DTLS completed: this is the client's real certificate, and the
      // peer receives what is sent to its address (no spoofer gets this far).
      init.route.handshakeDone();
      remoteFingerprint = remoteCertificateFingerprint(pc);
      if (!remoteFingerprint) throw new TransportClosedError('no remote DTLS certificate');
      const window = init.pairingWindow();
      clearTimeout(timer);
      const elapsed = Date.now() - started;
      result = await runDirectAuth(port, {
        role: 'responder',
        identity: init.identity,
        trust: init.trust,
        localFingerprint: certificateFingerprint(init.certificate),
        remoteFingerprint,
        ...(init.authDeadlineMs !== undefined
          ? { deadlineMs: Math.max(1, init.authDeadlineMs - elapsed) }
          : {}),
        signal: abort.signal,
        ...(window ? { pairingWindow: window } : {}),
      });
    } finally {
      // Auth messages beyond what the port holds before runDirectAuth listens (a flooding peer).
      counters.droppedMessages += port.dropped;
      pending = port.dispose();
    }
    // A pairing is stored even if the peer left during the write: count it as the store has it.
    if (result.paired) counters.paired++;
    if (gone) return;
    if (!init.route.authenticated()) {
      // Every authenticated slot is taken (the mux counts it as a refused peer).
      finish();
      return;
    }
    authenticated = true;
    earlySub.unSubscribe();
    for (const channel of early.splice(0)) channel.close();
    counters.connected++;
    counters.accepted++;
    const connection = directConnection({
      path: 'direct',
      pc,
      remote: result.remote,
      remoteFingerprint,
      paired: result.paired,
      renegotiation: {
        channel: device.authChannel,
        pending,
        identity: init.identity,
        session: result.session,
        polite: true,
        remoteDescription: keepPlaceholderCredentials,
      },
      onEnded: () => finish(),
    });
    handedOver = connection;
    init.onConnection(connection);
  };

  // Settles once admission is over either way; `drop` waits for it, so a peer dropped while its
  // device connection was still being created has that connection closed before `drop` resolves.
  const admitted = admit().catch((error: unknown) => {
    if (gone) return;
    if (error instanceof Error && error.name === 'AuthTimeoutError') counters.authTimeouts++;
    else counters.authFailures++;
    if (error instanceof Error) init.onError?.(error);
    finish();
  });

  const peer: ListenerPeer = {
    lastSeen: Date.now(),
    drop(reason) {
      if (!gone) {
        if (reason === 'idle') counters.idleTimeouts++;
        finish(reason === 'closing' ? 'closing' : undefined);
      }
      return admitted.then(() => closed);
    },
  };
  return peer;
}
