/**
 * A local HTTP service offered to one authenticated peer: every `lanrtc-http` channel the peer opens
 * is served with signal-core's engine, and each request is checked against the trust store when it
 * arrives — a peer no longer in the store (revoked) gets GOAWAY not-allowed and the connection is
 * closed; a path outside the peer's `http:<service>` grant gets 403. Only then does the request reach
 * the handler (by default a forwarder to one local origin).
 */
import { InvalidArgumentError, type Logger, type TrustStore } from '@lanrtc/signal-core';
import {
  DEFAULT_HTTP_SERVICE,
  HTTP_CHANNEL_LABEL,
  type HttpHandler,
  type HttpServer,
  type HttpServerRequest,
  type HttpServerResponse,
  httpGrantAllows,
  httpGrantScope,
  serveHttp,
} from '@lanrtc/signal-core/http';
import type { RTCDataChannel } from 'werift';
import type { NodeConnection } from '../direct/connection.js';
import { HttpAccessRevokedError } from '../errors.js';
import { weriftDataChannelLane } from '../transfer/datachannel-lane.js';
import { createHttpForwarder, type HttpForwarder } from './forwarder.js';
import { isLocalHttpChannel } from './open-http-client.js';
import { onRemoteChannels } from './remote-channels.js';

/** One request as `exposeHttp` reports it once its response body ended (or failed, or was cancelled). */
export interface HttpRequestRecord {
  readonly method: string;
  readonly path: string;
  /** The status answered; 403 for an ungranted path; 0 when the peer was refused (revoked). */
  readonly status: number;
  /** Response body bytes handed to the connection. */
  readonly bytes: number;
  readonly durationMs: number;
  /** `complete`, `cancelled` (the peer reset the stream or the connection ended), or `failed` (the handler or upstream failed). */
  readonly outcome: 'complete' | 'cancelled' | 'failed';
  readonly peer: { readonly id: string; readonly name: string };
}

/** What `exposeHttp` needs: exactly one of `target` (an `http://` origin) or `handler`. */
export interface ExposeHttpInit {
  /** Forward to this origin (`createHttpForwarder`); with `basePath` and `timeoutMs` passed on. */
  readonly target?: string | URL;
  readonly basePath?: string;
  readonly timeoutMs?: number;
  /** Answer requests with this handler instead of a forwarder. */
  readonly handler?: HttpHandler;
  /** The service name clients ask for in HELLO and grants are scoped to (`http:<service>`); `web` by default. */
  readonly service?: string;
  /** Re-read for every request: the peer's record decides. */
  readonly trust: TrustStore;
  readonly logger?: Logger;
  /** Called once per request, when it is over. */
  readonly onRequest?: (record: HttpRequestRecord) => void;
}

/** A running exposure on one connection. */
export interface HttpExposure {
  /** Resolves once `close()` ran or the connection ended. */
  readonly closed: Promise<void>;
  /** Stop serving: every open channel gets GOAWAY closing; a forwarder made here closes its sockets. */
  close(): void;
}

/** How long a refusal waits for the client to close the channel after its GOAWAY before the connection is closed (ms). */
const GOAWAY_FLUSH_MS = 500;

/** Serve HTTP to the peer of `connection` on every `lanrtc-http` channel it opens (one exposure per connection). */
export function exposeHttp(connection: NodeConnection, init: ExposeHttpInit): HttpExposure {
  if ((init.target === undefined) === (init.handler === undefined)) {
    throw new InvalidArgumentError('exposeHttp needs exactly one of target or handler');
  }
  const service = init.service ?? DEFAULT_HTTP_SERVICE;
  const forwarder: HttpForwarder | undefined =
    init.target !== undefined
      ? createHttpForwarder({
          target: init.target,
          ...(init.basePath !== undefined ? { basePath: init.basePath } : {}),
          ...(init.timeoutMs !== undefined ? { timeoutMs: init.timeoutMs } : {}),
          ...(init.logger ? { logger: init.logger } : {}),
        })
      : undefined;
  const inner = (forwarder ?? init.handler) as HttpHandler;
  const peerId = connection.remote.id;
  const servers = new Set<HttpServer>();
  let closed = false;
  let resolveClosed: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  // GOAWAY not-allowed, a moment for the client to read it and close the channel, then the connection.
  const refuse = async (server: HttpServer) => {
    server.close('not-allowed', 'this peer is not trusted');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      server.closed,
      new Promise((resolve) => {
        timer = setTimeout(resolve, GOAWAY_FLUSH_MS);
      }),
    ]);
    clearTimeout(timer);
    await connection.close();
  };

  const serveChannel = (channel: RTCDataChannel) => {
    if (closed || isLocalHttpChannel(channel)) return;
    const lane = weriftDataChannelLane(channel);
    // Assigned before any request can arrive (requests follow the HELLO that serveHttp answers).
    let server: HttpServer | undefined;
    const handler = async (req: HttpServerRequest): Promise<HttpServerResponse> => {
      const started = performance.now();
      const peer = await init.trust.get(peerId);
      const report = (status: number, bytes: number, outcome: HttpRequestRecord['outcome']) =>
        init.onRequest?.({
          method: req.method,
          path: req.path,
          status,
          bytes,
          durationMs: performance.now() - started,
          outcome,
          peer: { id: peerId, name: peer?.name ?? '' },
        });
      if (!peer) {
        const error = new HttpAccessRevokedError(
          'the peer is no longer in the trust store; connection closed',
        );
        init.logger?.warn('http: request from a revoked peer', { error, peer: peerId });
        report(0, 0, 'failed');
        if (server) void refuse(server);
        throw error;
      }
      if (!httpGrantAllows(peer, service, req.path)) {
        const response = forbidden(service);
        report(403, response.length, 'complete');
        return { status: 403, headers: textHeaders(response.length), body: once(response) };
      }
      let response: HttpServerResponse;
      try {
        response = await inner(req);
      } catch (error) {
        report(0, 0, req.signal.aborted ? 'cancelled' : 'failed');
        throw error;
      }
      if (!response.body) {
        report(response.status, 0, 'complete');
        return response;
      }
      return {
        ...response,
        body: counted(response.body, (bytes, outcome) => report(response.status, bytes, outcome)),
      };
    };
    const served = serveHttp(lane, { service, handler, ...(init.logger ? { logger: init.logger } : {}) });
    server = served;
    servers.add(served);
    void served.closed.then(() => servers.delete(served));
  };

  const unsubscribe = onRemoteChannels(connection, HTTP_CHANNEL_LABEL, serveChannel);
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const server of servers) server.close();
    servers.clear();
    forwarder?.close();
    resolveClosed();
  };
  void connection.ended.then(close);
  return { closed: done, close };
}

/** The 403 body: which grant is missing, nothing else. */
function forbidden(service: string): Uint8Array {
  return new TextEncoder().encode(
    `forbidden: this peer has no ${httpGrantScope(service)} grant for this path\n`,
  );
}

function textHeaders(length: number): [string, string][] {
  return [
    ['content-type', 'text/plain; charset=utf-8'],
    ['content-length', String(length)],
  ];
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** `body` passed through chunk by chunk (pulled only as the engine pulls), counting bytes; `onEnd` runs once. */
async function* counted(
  body: NonNullable<HttpServerResponse['body']>,
  onEnd: (bytes: number, outcome: HttpRequestRecord['outcome']) => void,
): AsyncIterable<Uint8Array> {
  let bytes = 0;
  let outcome: HttpRequestRecord['outcome'] = 'cancelled';
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      yield chunk;
    }
    outcome = 'complete';
  } catch (error) {
    outcome = 'failed';
    throw error;
  } finally {
    onEnd(bytes, outcome);
  }
}
