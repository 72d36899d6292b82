/** The public shapes of HTTP over the connection: what a server's handler gets and returns, and the client. */
import type { AbortSignalLike } from '../encoding/abort.js';
import type { Logger } from '../logger.js';
import type { HttpGoawayCode } from './frames.js';
import type { HttpHeaderList } from './headers.js';
import type { HttpAbortSignal, HttpBodyStream, HttpHeadersInit, HttpResponse } from './web-types.js';

/** Method, origin-form path and end-to-end headers of one request. */
export interface HttpRequestHead {
  readonly method: string;
  readonly path: string;
  readonly headers: HttpHeaderList;
}

/** A request as a server's handler receives it. */
export interface HttpServerRequest extends HttpRequestHead {
  /** The request body, pull-based; `null` when the REQUEST said it has none. */
  readonly body: HttpBodyStream | null;
  /** Aborted when the client resets the stream (the page aborted) or the channel closes. */
  readonly signal: HttpAbortSignal;
}

/** What a handler answers; hop-by-hop headers are dropped, `body` is read only as the client consumes. */
export interface HttpServerResponse {
  readonly status: number;
  readonly headers: HttpHeaderList;
  readonly body: HttpBodyStream | AsyncIterable<Uint8Array> | null;
}

/** Answers one request; a rejection becomes a 500 (no head sent yet) or a RESET internal. */
export type HttpHandler = (req: HttpServerRequest) => Promise<HttpServerResponse>;

/** Options of `serveHttp`. */
export interface HttpServerInit {
  /** The service this channel serves; a HELLO naming another gets GOAWAY unknown-service. */
  readonly service: string;
  readonly handler: HttpHandler;
  readonly logger?: Logger | undefined;
}

/** One channel served by `serveHttp`. */
export interface HttpServer {
  /** Resolves when the channel closed (never rejects). */
  readonly closed: Promise<void>;
  /**
   * Send GOAWAY (`closing` unless told, e.g. `not-allowed` for a peer whose pairing was revoked),
   * abort every open request, and close the channel.
   */
  close(code?: HttpGoawayCode, detail?: string): void;
}

/** Options of `openHttpClientOnLane`. */
export interface HttpClientInit {
  /** Service to ask for (default `web`). */
  readonly service?: string | undefined;
}

/** Options of `HttpClient.fetch`, as WHATWG `fetch`'s `RequestInit`. */
export interface HttpFetchInit {
  readonly method?: string | undefined;
  readonly headers?: HttpHeadersInit | [string, string][] | undefined;
  readonly body?: Uint8Array | string | HttpBodyStream | AsyncIterable<Uint8Array> | null | undefined;
  readonly signal?: HttpAbortSignal | AbortSignalLike | undefined;
}

/** The client end of an HTTP channel. */
export interface HttpClient {
  /** Like WHATWG fetch for one path on the device: a real `Response` with a streaming body. */
  fetch(path: string, init?: HttpFetchInit): Promise<HttpResponse>;
  /** Resolves when the channel closed (never rejects). */
  readonly closed: Promise<void>;
  /** Reset every open stream and close the channel. */
  close(): void;
}
