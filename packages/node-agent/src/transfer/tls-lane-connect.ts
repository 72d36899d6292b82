/**
 * The sending side of the TLS lane: connect to the listener's endpoints (staggered, first accepted
 * wins), check that the server's certificate is the pinned one before a single byte goes out, send
 * the token, and wait for the accept byte.
 */
import { connect, type TLSSocket } from 'node:tls';
import { InvalidArgumentError, type LanrtcError } from '@lanrtc/signal-core';
import type { TransferLane } from '@lanrtc/signal-core/transfer';
import {
  CertificatePinMismatchError,
  TlsLaneHandshakeError,
  TlsLaneRefusedError,
  TlsLaneTimeoutError,
  TlsLaneUnreachableError,
} from '../errors.js';
import type { DtlsCertificate } from '../peer/certificate.js';
import { socketLane } from './socket-lane.js';
import {
  checkFingerprint,
  peerMatchesPin,
  TLS_LANE_ACCEPT,
  TLS_LANE_TOKEN_BYTES,
  type TlsLaneEndpoint,
  tlsLaneOptions,
} from './tls-lane-options.js';

/** Default deadline of `connectTlsLane`: after it the transfer falls back to the DataChannel. */
export const TLS_LANE_CONNECT_TIMEOUT_MS = 3_000;

/** Delay before the next endpoint's attempt while earlier ones are pending (RFC 8305 §5 "Connection Attempt Delay"). */
const ATTEMPT_DELAY_MS = 250;

/** Options of `connectTlsLane`. */
export interface ConnectTlsLaneInit {
  /** This agent's DTLS certificate, presented as the TLS client certificate. */
  readonly certificate: DtlsCertificate;
  /** SHA-256 of the certificate the server must present (`connection.remoteFingerprint`). */
  readonly remoteFingerprint: Uint8Array;
  /** The listener's endpoints, tried in order. */
  readonly endpoints: readonly TlsLaneEndpoint[];
  /** The listener's 32-byte token. */
  readonly token: Uint8Array;
  /** Deadline for the whole attempt (default `TLS_LANE_CONNECT_TIMEOUT_MS`). */
  readonly timeoutMs?: number;
  /** Abort: rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/**
 * Open the TLS lane; rejects with `CertificatePinMismatchError`, `TlsLaneRefusedError`,
 * `TlsLaneHandshakeError`, `TlsLaneUnreachableError` or `TlsLaneTimeoutError`.
 */
export function connectTlsLane(init: ConnectTlsLaneInit): Promise<TransferLane> {
  checkFingerprint(init.remoteFingerprint);
  if (!(init.token instanceof Uint8Array) || init.token.length !== TLS_LANE_TOKEN_BYTES) {
    throw new InvalidArgumentError(`the TLS lane token must be ${TLS_LANE_TOKEN_BYTES} bytes`);
  }
  if (init.endpoints.length === 0)
    throw new InvalidArgumentError('connectTlsLane needs at least one endpoint');
  init.signal?.throwIfAborted();
  const timeoutMs = init.timeoutMs ?? TLS_LANE_CONNECT_TIMEOUT_MS;
  const options = tlsLaneOptions(init.certificate);

  return new Promise<TransferLane>((resolve, reject) => {
    const sockets = new Set<TLSSocket>();
    const failures: LanrtcError[] = [];
    let deadline: NodeJS.Timeout | undefined;
    let settled = false;

    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (staggerTimer) clearTimeout(staggerTimer);
      init.signal?.removeEventListener('abort', onAbort);
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      outcome();
    };

    const attemptFailed = (socket: TLSSocket, error: LanrtcError) => {
      if (!sockets.delete(socket)) return;
      socket.destroy();
      failures.push(error);
      if (failures.length === init.endpoints.length) settle(() => reject(mostTelling(failures)));
      // RFC 8305 §5: a failed attempt starts the next one at once rather than after the delay.
      else startNext();
    };

    let started = 0;
    let staggerTimer: NodeJS.Timeout | undefined;
    const startNext = () => {
      if (staggerTimer) clearTimeout(staggerTimer);
      staggerTimer = undefined;
      if (settled || started >= init.endpoints.length) return;
      attempt(init.endpoints[started++] as TlsLaneEndpoint);
      if (started < init.endpoints.length) staggerTimer = setTimeout(startNext, ATTEMPT_DELAY_MS);
    };

    const attempt = (endpoint: TlsLaneEndpoint) => {
      if (settled) return;
      let tcpConnected = false;
      let secure = false;
      let reply: Buffer = Buffer.alloc(0);
      const socket = connect({
        ...options,
        host: endpoint.address,
        port: endpoint.port,
        // The pin check replaces host name checks: the endpoint is an address, the certificate self-signed.
        checkServerIdentity: () => undefined,
      });
      sockets.add(socket);
      socket.once('connect', () => {
        tcpConnected = true;
      });
      socket.once('secureConnect', () => {
        secure = true;
        // Before anything is sent: the token goes only to the peer whose certificate was pinned.
        if (!peerMatchesPin(socket, init.remoteFingerprint)) {
          attemptFailed(
            socket,
            new CertificatePinMismatchError('the TLS lane server is not the pinned certificate'),
          );
          return;
        }
        socket.setNoDelay(true);
        socket.write(init.token);
      });
      const onData = (chunk: Buffer) => {
        reply = reply.length === 0 ? chunk : Buffer.concat([reply, chunk]);
        if (reply[0] !== TLS_LANE_ACCEPT) {
          attemptFailed(
            socket,
            new TlsLaneRefusedError('the TLS lane server answered the token with a refusal'),
          );
          return;
        }
        if (settled || !sockets.delete(socket)) {
          socket.destroy();
          return;
        }
        socket.off('data', onData);
        socket.pause();
        const lane = socketLane(socket, reply.subarray(1), 'tls');
        settle(() => resolve(lane));
      };
      socket.on('data', onData);
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (!tcpConnected) {
          attemptFailed(
            socket,
            new TlsLaneUnreachableError('could not connect to the TLS lane', { cause: error }),
          );
        } else if (!secure) {
          attemptFailed(socket, new TlsLaneHandshakeError('the TLS 1.3 handshake failed', { cause: error }));
        } else {
          attemptFailed(socket, new TlsLaneRefusedError('the TLS lane connection failed', { cause: error }));
        }
      });
      socket.on('close', () => {
        attemptFailed(
          socket,
          secure
            ? new TlsLaneRefusedError('the TLS lane server closed before accepting')
            : new TlsLaneHandshakeError('the TLS lane server closed during the handshake'),
        );
      });
    };

    function onAbort() {
      settle(() => reject(init.signal?.reason));
    }
    init.signal?.addEventListener('abort', onAbort, { once: true });
    deadline = setTimeout(
      () => settle(() => reject(new TlsLaneTimeoutError(`no TLS lane within ${timeoutMs} ms`))),
      timeoutMs,
    );
    startNext();
  });
}

// A pin mismatch says more (a different machine answered) than a refusal, a refusal more than a
// failed handshake, that more than an unreachable address.
const RANK = ['CertificatePinMismatchError', 'TlsLaneRefusedError', 'TlsLaneHandshakeError'];

function mostTelling(failures: readonly LanrtcError[]): LanrtcError {
  for (const name of RANK) {
    const found = failures.find((error) => error.name === name);
    if (found) return found;
  }
  return failures[0] as LanrtcError;
}
