/**
 * `connectDirect`: the connecting side of a direct connect on Node. The card's offer becomes the
 * remote description, werift's own answer the local one (never modified, never sent anywhere), the
 * negotiated auth channel opens once ICE and DTLS are up — werift has checked that the device's
 * certificate is the card's — and in-band authentication runs as initiator against the card's identity.
 */
import {
  type Card,
  type CompareHandler,
  cardToOffer,
  DIRECT_AUTH_CHANNEL_ID,
  DIRECT_AUTH_LABEL,
  equalBytes,
  FingerprintMismatchError,
  type Identity,
  type PairingMode,
  runDirectAuth,
  SessionTimeoutError,
  TransportClosedError,
  type TrustStore,
} from '@lanrtc/signal-core';
import { certificateFingerprint, type DtlsCertificate } from '../peer/certificate.js';
import { createNodePeer, type NodePeerInit, remoteCertificateFingerprint } from '../peer/create-node-peer.js';
import { weriftAuthPort } from './auth-port.js';
import { closePeerConnection, type DirectConnection, directConnection } from './connection.js';

/** Options of `connectDirect`. */
export interface ConnectDirectInit {
  readonly identity: Identity;
  readonly certificate: DtlsCertificate;
  readonly trust: TrustStore;
  /** First contact: pair in-band with this secret (from a QR pairing card) or PIN. */
  readonly pairing?: PairingMode;
  /** Compare-mode pairing: show the digits, resolve with the user's verdict. */
  readonly onCompare?: CompareHandler;
  /** werift options besides the certificate (local addresses, `.local` resolver). */
  readonly peer?: Omit<NodePeerInit, 'certificate' | 'iceLite'>;
  /** ICE + DTLS + SCTP until the auth channel is open (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /** In-band authentication (default `DIRECT_AUTH_DEADLINE_MS`). */
  readonly authDeadlineMs?: number;
  readonly signal?: AbortSignal;
}

/** Connect to the device behind a verified card and authenticate it (and ourselves) in-band. */
export async function connectDirect(card: Card, init: ConnectDirectInit): Promise<DirectConnection> {
  const pc = createNodePeer({ ...init.peer, certificate: init.certificate });
  let port: ReturnType<typeof weriftAuthPort> | undefined;
  try {
    await pc.setRemoteDescription(cardToOffer(card));
    const channel = pc.createDataChannel(DIRECT_AUTH_LABEL, {
      negotiated: true,
      id: DIRECT_AUTH_CHANNEL_ID,
      ordered: true,
    });
    port = weriftAuthPort(channel, pc);
    await pc.setLocalDescription(await pc.createAnswer());
    await withTimeout(port.opened(), init.connectTimeoutMs ?? 10_000, init.signal);
    // werift already refused any certificate but the card's; checked again so this never depends on it.
    const remoteFingerprint = remoteCertificateFingerprint(pc);
    if (!remoteFingerprint || !equalBytes(remoteFingerprint, card.fingerprint)) {
      throw new FingerprintMismatchError('device certificate is not the one in its card');
    }
    const result = await runDirectAuth(port, {
      role: 'initiator',
      identity: init.identity,
      trust: init.trust,
      localFingerprint: certificateFingerprint(init.certificate),
      remoteFingerprint,
      expectedPeerId: card.id,
      peerName: card.name,
      ...(init.pairing ? { pairing: init.pairing } : {}),
      ...(init.onCompare ? { onCompare: init.onCompare } : {}),
      ...(init.authDeadlineMs !== undefined ? { deadlineMs: init.authDeadlineMs } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    return directConnection({ pc, remote: result.remote, remoteFingerprint, paired: result.paired });
  } catch (error) {
    await closePeerConnection(pc);
    throw error;
  } finally {
    port?.dispose();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new TransportClosedError('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      reject(new SessionTimeoutError(`direct connection not open after ${ms} ms`));
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
