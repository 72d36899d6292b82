/**
 * The initiator's half of a direct connection on Node, shared by `connectDirect` (from a card) and
 * `answerQrOffer` (a page's QR offer): wait for the negotiated auth channel to open (bounded, abortable),
 * read the certificate the remote presented in DTLS, run in-band authentication as initiator and
 * hand over the connection — or close the peer connection and rethrow.
 */
import {
  type CompareHandler,
  FingerprintMismatchError,
  type Identity,
  type PairingMode,
  SessionTimeoutError,
  TransportClosedError,
  type TrustStore,
} from '@lanrtc/signal-core';
import { equalBytes, type SessionDescriptionInit } from '@lanrtc/signal-core/codec';
import { DIRECT_AUTH_CHANNEL_ID, DIRECT_AUTH_LABEL, runDirectAuth } from '@lanrtc/signal-core/protocol';
import type { PairingWindow } from '@lanrtc/signal-core/session';
import type { RTCPeerConnection } from 'werift';
import { WeriftInternalsError } from '../errors.js';
import { certificateFingerprint, type DtlsCertificate } from '../peer/certificate.js';
import { createNodePeer, type NodePeerInit, remoteCertificateFingerprint } from '../peer/create-node-peer.js';
import { weriftSessionPeer } from '../session-peer.js';
import { type WeriftAuthPort, weriftAuthPort } from './auth-port.js';
import {
  closePeerConnection,
  describeTransport,
  directConnection,
  type NodeConnection,
} from './connection.js';

/** Who this side is and how it authenticates. */
export interface InitiatorInit {
  readonly identity: Identity;
  readonly certificate: DtlsCertificate;
  readonly trust: TrustStore;
  readonly onCompare?: CompareHandler;
  readonly authDeadlineMs?: number;
  readonly signal?: AbortSignal;
}

/** What this connection expects: how long to open, the responder if known, how to pair. */
export interface InitiatorExpectation {
  /** Which path made it (reported on the connection). */
  readonly path: 'direct' | 'qr';
  /**
   * This side's in-band role (default initiator); a QR offerer is the responder and pairs through
   * `pairingWindow` (its offer's secret).
   */
  readonly role?: 'initiator' | 'responder';
  readonly pairingWindow?: PairingWindow;
  readonly openTimeoutMs: number;
  /** Message of the `SessionTimeoutError` when the auth channel does not open in time (the transport state is appended). */
  readonly openTimeoutMessage: string;
  /** The card's identity and certificate (direct connect); absent for a QR offer's anonymous offerer. */
  readonly card?: { readonly id: string; readonly name: string; readonly fingerprint: Uint8Array };
  readonly pairing?: PairingMode;
  readonly peerName?: string;
}

/**
 * The initiator's peer connection before authentication: werift with `remote` as its remote
 * description, the negotiated auth channel (RFC 8832 §6: no DCEP, the same id on both sides, created
 * before the answer exists) and its own unmodified answer as local description; `then` runs last
 * (e.g. wait for ICE gathering). Any failure closes the connection and rethrows.
 */
export async function answeringPeer<T = undefined>(
  init: {
    readonly certificate: DtlsCertificate;
    readonly peer?: Omit<NodePeerInit, 'certificate' | 'iceLite'>;
  },
  remote: SessionDescriptionInit,
  then?: (pc: RTCPeerConnection) => Promise<T>,
): Promise<{ pc: RTCPeerConnection; port: WeriftAuthPort; value: T }> {
  const pc = createNodePeer({ ...init.peer, certificate: init.certificate });
  let port: WeriftAuthPort | undefined;
  try {
    await pc.setRemoteDescription(remote);
    const channel = pc.createDataChannel(DIRECT_AUTH_LABEL, {
      negotiated: true,
      id: DIRECT_AUTH_CHANNEL_ID,
      ordered: true,
    });
    port = weriftAuthPort(channel, pc);
    await pc.setLocalDescription(await pc.createAnswer());
    return { pc, port, value: then ? await then(pc) : (undefined as T) };
  } catch (error) {
    port?.dispose();
    await closePeerConnection(pc);
    throw error;
  }
}

/** Authenticate in-band once the auth channel opens (initiator unless `expect.role` says otherwise); the peer connection is closed on any failure. */
export async function authenticateInitiator(
  pc: RTCPeerConnection,
  port: WeriftAuthPort,
  init: InitiatorInit,
  expect: InitiatorExpectation,
): Promise<NodeConnection> {
  // The registry exists before the responder's `accept`: a channel the responder opens right after it
  // (while this side still writes its trust store) must not find no one listening.
  const peer = weriftSessionPeer(pc);
  try {
    await bounded(
      port.opened(),
      expect.openTimeoutMs,
      () => `${expect.openTimeoutMessage}: ${describeTransport(pc)}`,
      init.signal,
    );
    const remoteFingerprint = remoteCertificateFingerprint(pc);
    if (!remoteFingerprint) throw new WeriftInternalsError('no remote certificate after DTLS');
    // werift already refused any certificate but the card's; checked again so this never depends on it.
    if (expect.card && !equalBytes(remoteFingerprint, expect.card.fingerprint)) {
      throw new FingerprintMismatchError('device certificate is not the one in its card');
    }
    const peerName = expect.peerName ?? expect.card?.name;
    const result = await runDirectAuth(port, {
      role: expect.role ?? 'initiator',
      ...(expect.pairingWindow ? { pairingWindow: expect.pairingWindow } : {}),
      identity: init.identity,
      trust: init.trust,
      localFingerprint: certificateFingerprint(init.certificate),
      remoteFingerprint,
      ...(expect.card ? { expectedPeerId: expect.card.id } : {}),
      ...(peerName !== undefined ? { peerName } : {}),
      ...(expect.pairing ? { pairing: expect.pairing } : {}),
      ...(init.onCompare ? { onCompare: init.onCompare } : {}),
      ...(init.authDeadlineMs !== undefined ? { deadlineMs: init.authDeadlineMs } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const pending = port.dispose();
    return directConnection({
      pc,
      peer,
      path: expect.path,
      remote: result.remote,
      remoteFingerprint,
      paired: result.paired,
      renegotiation: {
        channel: port.channel,
        pending,
        identity: init.identity,
        session: result.session,
        polite: (expect.role ?? 'initiator') === 'responder',
      },
    });
  } catch (error) {
    await closePeerConnection(pc); // SCTP ABORT first, so the responder notices at once
    peer.close();
    throw error;
  } finally {
    port.dispose();
  }
}

/** `promise`, or `SessionTimeoutError(message())` after `ms`, or `signal.reason` on abort. */
function bounded<T>(
  promise: Promise<T>,
  ms: number,
  message: () => string,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => finish(() => reject(signal?.reason ?? new TransportClosedError('aborted')));
    const timer = setTimeout(() => finish(() => reject(new SessionTimeoutError(message()))), ms);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
