/**
 * The receiving side of the TLS lane: a TLS 1.3 server on the given addresses (port 0), which takes
 * the first connection whose client certificate is the pinned one and whose first 32 bytes are the
 * token, answers it with one accept byte and hands it over as a `TransferLane`. Every other
 * connection is dropped and counted; the listener keeps waiting until it accepted one or was closed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import {
  InvalidArgumentError,
  type LanrtcError,
  TransportClosedError,
  type Unsubscribe,
} from '@lanrtc/signal-core';
import { createListeners } from '@lanrtc/signal-core/session';
import type { TransferLane } from '@lanrtc/signal-core/transfer';
import {
  CertificatePinMismatchError,
  InterfaceNotFoundError,
  TlsLaneHandshakeError,
  TlsLaneTimeoutError,
  TlsLaneTokenMismatchError,
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

/** How long a client has from its TCP connection to finish the TLS handshake, and again to send its token. */
export const TLS_LANE_TOKEN_TIMEOUT_MS = 5_000;

/** TCP connections one listening address holds at once (handshakes, token waits); Node closes any beyond. */
const MAX_PENDING_CONNECTIONS = 32;

/** Options of `listenTlsLane`. */
export interface ListenTlsLaneInit {
  /** This agent's DTLS certificate, presented as the TLS server certificate. */
  readonly certificate: DtlsCertificate;
  /** SHA-256 of the certificate the client must present (`connection.remoteFingerprint`). */
  readonly remoteFingerprint: Uint8Array;
  /** IP addresses of this machine to listen on, each on a port the system picks; never a wildcard. */
  readonly addresses: readonly string[];
  /** Closes the listener; `accepted` then rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Deadline for the handshake and again for the token (default `TLS_LANE_TOKEN_TIMEOUT_MS`). */
  readonly tokenTimeoutMs?: number;
}

/** A listening TLS lane: tell the peer `endpoints` and `token`, then await `accepted`. */
export interface TlsLaneListener {
  /** Where the peer can connect, one per address. */
  readonly endpoints: readonly TlsLaneEndpoint[];
  /** The 32 random bytes the client must send first. Secret until the lane is accepted. */
  readonly token: Uint8Array;
  /** The first connection that passed the pin check and sent the token; rejects if closed first. */
  readonly accepted: Promise<TransferLane>;
  /** How many connections were dropped so far (wrong certificate, wrong or no token, failed handshake). */
  readonly refused: number;
  /** Each dropped connection's reason: `CertificatePinMismatchError`, `TlsLaneTokenMismatchError`, `TlsLaneTimeoutError` or `TlsLaneHandshakeError`. */
  onRefused(listener: (error: LanrtcError) => void): Unsubscribe;
  /** Stop listening and drop connections not yet accepted (idempotent); an accepted lane stays open. */
  close(): void;
}

/** Listen for the peer's TLS lane on `addresses`. */
export async function listenTlsLane(init: ListenTlsLaneInit): Promise<TlsLaneListener> {
  checkFingerprint(init.remoteFingerprint);
  if (init.addresses.length === 0) throw new InvalidArgumentError('listenTlsLane needs at least one address');
  for (const address of init.addresses) {
    // A wildcard would accept on every interface, including ones the peer was never told about.
    if (isIP(address) === 0 || address === '0.0.0.0' || address === '::') {
      throw new InvalidArgumentError('listenTlsLane addresses must be unicast IP addresses of this machine');
    }
  }
  init.signal?.throwIfAborted();
  const tokenTimeoutMs = init.tokenTimeoutMs ?? TLS_LANE_TOKEN_TIMEOUT_MS;
  const token = new Uint8Array(randomBytes(TLS_LANE_TOKEN_BYTES));
  const refusals = createListeners<LanrtcError>();
  const pending = new Set<TLSSocket>();
  // Every TCP connection not yet accepted, handshakes under way included, so close() ends them all.
  const connections = new Set<Socket>();
  const servers: Server[] = [];
  let refused = 0;
  let done = false;
  let resolveAccepted!: (lane: TransferLane) => void;
  let rejectAccepted!: (error: unknown) => void;
  const accepted = new Promise<TransferLane>((resolve, reject) => {
    resolveAccepted = resolve;
    rejectAccepted = reject;
  });
  // Nobody has to await `accepted` (the DataChannel may win): its rejection on close is not unhandled.
  accepted.catch(() => {});

  const refuse = (socket: TLSSocket | undefined, error: LanrtcError) => {
    socket?.destroy();
    refused++;
    refusals.emit(error);
  };

  const stop = () => {
    for (const server of servers) server.close();
    for (const socket of pending) socket.destroy();
    pending.clear();
    for (const socket of connections) socket.destroy();
    connections.clear();
    init.signal?.removeEventListener('abort', onAbort);
  };

  const onSecure = (socket: TLSSocket) => {
    if (done) {
      socket.destroy();
      return;
    }
    socket.on('error', () => {
      // Reported through 'close' below; a reset during the token wait is not a crash.
    });
    if (!peerMatchesPin(socket, init.remoteFingerprint)) {
      refuse(socket, new CertificatePinMismatchError('the TLS lane client is not the pinned certificate'));
      return;
    }
    pending.add(socket);
    socket.setNoDelay(true);
    let received: Buffer = Buffer.alloc(0);
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      refuse(
        socket,
        new TlsLaneTimeoutError(`the TLS lane client sent no token within ${tokenTimeoutMs} ms`),
      );
    }, tokenTimeoutMs);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < TLS_LANE_TOKEN_BYTES) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      pending.delete(socket);
      if (!timingSafeEqual(received.subarray(0, TLS_LANE_TOKEN_BYTES), token)) {
        refuse(socket, new TlsLaneTokenMismatchError('the TLS lane client sent a wrong token'));
        return;
      }
      if (done) {
        socket.destroy();
        return;
      }
      done = true;
      // The accepted connection's TCP socket stays (a TCP connection is its two addresses and ports).
      for (const raw of connections) {
        if (
          raw.remoteAddress === socket.remoteAddress &&
          raw.remotePort === socket.remotePort &&
          raw.localAddress === socket.localAddress &&
          raw.localPort === socket.localPort
        ) {
          connections.delete(raw);
        }
      }
      stop();
      socket.write(Uint8Array.of(TLS_LANE_ACCEPT));
      resolveAccepted(socketLane(socket, received.subarray(TLS_LANE_TOKEN_BYTES), 'tls'));
    };
    socket.on('data', onData);
    socket.on('close', () => {
      pending.delete(socket);
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Dropped by close() or by another connection's acceptance: not a refusal of this one.
      if (done) return;
      refuse(undefined, new TlsLaneTokenMismatchError('the TLS lane client closed without sending a token'));
    });
  };

  const options = {
    ...tlsLaneOptions(init.certificate),
    requestCert: true,
    handshakeTimeout: tokenTimeoutMs,
  };
  const endpoints: TlsLaneEndpoint[] = [];
  try {
    for (const address of init.addresses) {
      const server = createServer(options, onSecure);
      // One peer needs one connection; this bounds what strangers on the LAN can make it hold at once.
      server.maxConnections = MAX_PENDING_CONNECTIONS;
      servers.push(server);
      server.on('connection', (raw: Socket) => {
        if (done) {
          raw.destroy();
          return;
        }
        connections.add(raw);
        raw.once('close', () => connections.delete(raw));
      });
      server.on('tlsClientError', (error, socket) => {
        const timedOut = (error as NodeJS.ErrnoException).code === 'ERR_TLS_HANDSHAKE_TIMEOUT';
        refuse(
          socket,
          timedOut
            ? new TlsLaneTimeoutError('a TLS lane client did not finish its handshake in time', {
                cause: error,
              })
            : new TlsLaneHandshakeError('a TLS lane client failed the TLS 1.3 handshake', { cause: error }),
        );
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: address, port: 0, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      // Past listen, a server error (none is expected) must not crash the process.
      server.on('error', () => {});
      const bound = server.address();
      if (bound === null || typeof bound === 'string') throw new Error('TLS lane server has no TCP address');
      endpoints.push({ address: bound.address, port: bound.port });
    }
  } catch (cause) {
    stop();
    if ((cause as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') {
      throw new InterfaceNotFoundError('a TLS lane address is not one of this machine\u2019s addresses', {
        cause,
      });
    }
    throw cause;
  }

  function onAbort() {
    close(init.signal?.reason);
  }
  function close(reason?: unknown) {
    if (done) return;
    done = true;
    stop();
    rejectAccepted(reason ?? new TransportClosedError('the TLS lane listener was closed'));
  }
  init.signal?.addEventListener('abort', onAbort, { once: true });
  if (init.signal?.aborted) onAbort();

  return {
    endpoints,
    token,
    accepted,
    get refused() {
      return refused;
    },
    onRefused: (listener) => refusals.add(listener),
    close: () => close(),
  };
}
