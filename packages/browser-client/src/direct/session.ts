/**
 * What direct connect (from a card) and QR signalling (browser ↔ browser) share: a native peer
 * connection with the persisted certificate, no ICE servers, and the negotiated in-band auth
 * channel created before any description; then, once ICE and DTLS are up, `runDirectAuth` on that
 * channel with the certificate the peer actually presented in DTLS (from `getStats`). The
 * application gets the connection only after authentication succeeded; on any failure the peer
 * connection is closed and the caller gets the typed error.
 */
import {
  type Connection,
  type Identity,
  type LanrtcError,
  type PublicIdentity,
  SessionTimeoutError,
  TransportClosedError,
  type TrustStore,
} from '@lanrtc/signal-core';
import {
  DIRECT_AUTH_CHANNEL_ID,
  DIRECT_AUTH_LABEL,
  type DirectAuthInit,
  runDirectAuth,
  startDirectRenegotiation,
} from '@lanrtc/signal-core/protocol';
import { createListeners } from '@lanrtc/signal-core/session';
import { RemoteCertificateUnavailableError } from '../errors.js';
import { rtcCertificateFingerprint } from '../keys.js';
import { type BrowserSessionPeer, browserSessionPeer } from '../session-peer.js';
import { type DataChannelAuthPort, dataChannelAuthPort } from './auth-port.js';

/** Default time for ICE and DTLS to connect before `SessionTimeoutError`. */
export const DIRECT_CONNECT_TIMEOUT_MS = 15_000;

/** What every direct or QR connection needs from the application. */
export interface DirectPeerInit {
  readonly identity: Identity;
  /** The persisted DTLS certificate (`loadOrCreateCertificate`); its fingerprint is what peers pin. */
  readonly certificate: RTCCertificate;
  readonly trust: TrustStore;
  /** Extra `RTCConfiguration`; `iceServers` is always `[]` (LAN only) and `certificates` the one above. */
  readonly rtcConfiguration?: Omit<RTCConfiguration, 'iceServers' | 'certificates'>;
  /** ICE + DTLS deadline in ms (default `DIRECT_CONNECT_TIMEOUT_MS`): `SessionTimeoutError`. */
  readonly timeoutMs?: number;
  /** In-band authentication deadline in ms (default signal-core's `DIRECT_AUTH_DEADLINE_MS`). */
  readonly authDeadlineMs?: number;
  /** Abort connecting: the promise rejects with `signal.reason` and the peer connection is closed. */
  readonly signal?: AbortSignal;
  /**
   * Called with the peer connection as soon as it exists (to watch events or stats). It is not
   * authenticated yet: the application must not trust it or send anything on it until the promise
   * resolves with the connection.
   */
  readonly onPeer?: (peer: BrowserSessionPeer) => void;
}

/**
 * An authenticated connection over a native peer connection; on the in-band paths `ended` settles
 * with `closed` (here), `peer-closed` or `failed`.
 */
export type BrowserConnection = Connection<BrowserSessionPeer>;

/** A fresh peer connection with the auth channel (before any description is set). */
export interface DirectPeer {
  readonly peer: BrowserSessionPeer;
  readonly port: DataChannelAuthPort;
  readonly channel: RTCDataChannel;
}

/** Create the peer connection and the negotiated auth channel (RFC 8832 §6: no DCEP, same id both sides). */
export function openDirectPeer(init: DirectPeerInit): DirectPeer {
  const pc = new RTCPeerConnection({
    ...init.rtcConfiguration,
    iceServers: [],
    certificates: [init.certificate],
  });
  const peer = browserSessionPeer(pc);
  const channel = peer.createDataChannel(DIRECT_AUTH_LABEL, {
    negotiated: true,
    id: DIRECT_AUTH_CHANNEL_ID,
    ordered: true,
  });
  const port = dataChannelAuthPort(channel);
  init.onPeer?.(peer);
  return { peer, channel, port };
}

/** Detach the auth port and close the peer connection (a direct peer that will not be handed out). */
export function closeDirectPeer(direct: DirectPeer): void {
  direct.port.dispose();
  direct.peer.close();
}

/** Run `step` (setting descriptions, gathering); if it fails, close the direct peer and rethrow. */
export async function orCloseDirectPeer<T>(direct: DirectPeer, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    closeDirectPeer(direct);
    throw error;
  }
}

/** `promise`, or `SessionTimeoutError` after `ms`, or `signal.reason` on abort. */
export function bounded<T>(promise: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal?.reason);
    const timer = setTimeout(() => reject(new SessionTimeoutError(`${what} timed out`)), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
    if (signal?.aborted) onAbort();
  });
}

/** The part of `DirectAuthInit` that differs between the flows. */
export type DirectRole = Pick<
  DirectAuthInit,
  'role' | 'expectedPeerId' | 'pairing' | 'pairingWindow' | 'peerName' | 'onCompare'
>;

/**
 * Wait for ICE + DTLS and the auth channel, authenticate, and hand out the connection; closes the
 * peer connection on any failure.
 */
export async function authenticateDirect(
  direct: DirectPeer,
  init: DirectPeerInit,
  role: DirectRole,
  path: 'direct' | 'qr',
): Promise<BrowserConnection> {
  const { peer, port, channel } = direct;
  // One deadline for the whole way to an open auth channel, not one per step.
  const until = Date.now() + (init.timeoutMs ?? DIRECT_CONNECT_TIMEOUT_MS);
  const left = () => Math.max(0, until - Date.now());
  try {
    await bounded(peer.connected(), left(), 'ICE/DTLS', init.signal);
    const remoteFingerprint = await bounded(
      peer.remoteCertificateFingerprint(),
      left(),
      'reading the remote certificate',
      init.signal,
    );
    if (!remoteFingerprint) throw new RemoteCertificateUnavailableError('no remote certificate after DTLS');
    await bounded(port.opened, left(), 'auth channel', init.signal);
    const result = await runDirectAuth(port, {
      ...role,
      identity: init.identity,
      trust: init.trust,
      localFingerprint: rtcCertificateFingerprint(init.certificate),
      remoteFingerprint,
      ...(init.authDeadlineMs !== undefined ? { deadlineMs: init.authDeadlineMs } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const pending = port.dispose();
    return connection(peer, channel, path, result.remote, remoteFingerprint, result.paired, {
      pending,
      identity: init.identity,
      session: result.session,
      polite: role.role === 'responder',
    });
  } catch (error) {
    closeDirectPeer(direct);
    throw error;
  }
}

function connection(
  peer: BrowserSessionPeer,
  channel: RTCDataChannel,
  path: 'direct' | 'qr',
  remote: PublicIdentity,
  remoteFingerprint: Uint8Array,
  paired: boolean,
  parts: { pending: readonly Uint8Array[]; identity: Identity; session: Uint8Array; polite: boolean },
): BrowserConnection {
  const errors = createListeners<LanrtcError>();
  // Signed offers and answers on the auth channel (docs/PROTOCOL.md §"Renegotiation over the auth
  // channel"); a signed description that fails its checks ends the connection with its error's name.
  const renegotiation = startDirectRenegotiation({
    port: dataChannelAuthPort(channel),
    pending: parts.pending,
    peer,
    identity: parts.identity,
    remote,
    session: parts.session,
    remoteFingerprint,
    polite: parts.polite,
    onError: (error) => errors.emit(error),
    onFatal: (error) => {
      settle(error.name);
      peer.close();
    },
  });
  let end: (reason: string) => void = () => {};
  const ended = new Promise<string>((resolve) => {
    end = resolve;
  });
  const onState = () => {
    const state = peer.pc.connectionState;
    if (state === 'failed' || state === 'closed') settle(state === 'failed' ? 'failed' : 'peer-closed');
  };
  // The auth channel lives as long as the connection: the peer closing it (or its whole peer
  // connection, which resets every SCTP stream) is how this side learns the peer left.
  const onClose = () => settle('peer-closed');
  const settle = (reason: string) => {
    renegotiation.close(new TransportClosedError(`connection ended: ${reason}`));
    errors.clear();
    channel.removeEventListener('close', onClose);
    peer.pc.removeEventListener('connectionstatechange', onState);
    end(reason);
  };
  channel.addEventListener('close', onClose);
  peer.pc.addEventListener('connectionstatechange', onState);
  if (channel.readyState === 'closed') settle('peer-closed');
  return {
    remote,
    path,
    session: undefined,
    peer,
    remoteFingerprint,
    paired,
    ended,
    renegotiate: () => renegotiation.renegotiate(),
    onRenegotiationError: (listener) => errors.add(listener),
    async close() {
      settle('closed');
      peer.close();
    },
  };
}

/** Wait until ICE gathering is complete (or `maxMs` passed: then what was gathered so far is used). */
export function gatheringComplete(pc: RTCPeerConnection, maxMs = 3_000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    };
    const onChange = () => pc.iceGatheringState === 'complete' && done();
    const timer = setTimeout(done, maxMs);
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}
