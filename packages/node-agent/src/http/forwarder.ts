/**
 * An `HttpHandler` that forwards each request to one local HTTP origin with `node:http`, and nowhere
 * else: the socket always goes to the configured host and port, the path is checked and put under
 * `basePath`, the peer's `host` and hop-by-hop headers are dropped, and bodies stream both ways with
 * backpressure (one chunk pulled at a time), so a slow reader slows the upstream read.
 */
import { Agent, type ClientRequest, type IncomingMessage, request } from 'node:http';
import { type Logger, UnsafeRequestPathError } from '@lanrtc/signal-core';
import {
  checkRequestPath,
  type HttpHandler,
  type HttpServerRequest,
  type HttpServerResponse,
  stripHopByHop,
} from '@lanrtc/signal-core/http';
import { HttpUpstreamFailedError, HttpUpstreamTimeoutError, InvalidHttpTargetError } from '../errors.js';

/** How long the forwarder waits for its target to accept the connection, then for the response head (ms). */
export const HTTP_UPSTREAM_TIMEOUT_MS = 30_000;

/** What `createHttpForwarder` needs. */
export interface HttpForwarderInit {
  /** The one origin requests go to: `http://host[:port]` (no path, query, fragment or credentials). */
  readonly target: string | URL;
  /** A path prefix every request is put under (`/ui` turns `/a` into `/ui/a`); none by default. */
  readonly basePath?: string;
  /** Deadline to connect, and from the end of the request body to the response head; `HTTP_UPSTREAM_TIMEOUT_MS` by default. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/** A forwarding `HttpHandler` that owns a keep-alive socket pool; `close()` ends the idle sockets. */
export type HttpForwarder = HttpHandler & {
  /** The origin requests go to, e.g. `http://127.0.0.1:8080`. */
  readonly origin: string;
  close(): void;
};

interface Target {
  readonly hostname: string;
  readonly port: number;
  /** `host` header value: host, and port unless it is 80. */
  readonly host: string;
  readonly origin: string;
}

// RFC 9110 §5.6.2 token, for the method.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Make a handler that forwards every request to `init.target` only. */
export function createHttpForwarder(init: HttpForwarderInit): HttpForwarder {
  const target = parseTarget(init.target);
  const base = parseBasePath(init.basePath);
  const timeoutMs = init.timeoutMs ?? HTTP_UPSTREAM_TIMEOUT_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new InvalidHttpTargetError(`timeoutMs must be a positive number, not ${timeoutMs}`);
  }
  const logger: Logger = init.logger ?? { debug() {}, warn() {} };
  const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: 5_000 });

  const handler = async (req: HttpServerRequest): Promise<HttpServerResponse> => {
    // CONNECT would make the device a tunnel to anywhere (RFC 9110 §9.3.6).
    if (req.method === 'CONNECT') return textResponse(405, 'CONNECT is not forwarded');
    if (!TOKEN.test(req.method)) return textResponse(400, 'bad method');
    let path: string;
    try {
      path = checkRequestPath(req.path);
    } catch (error) {
      if (error instanceof UnsafeRequestPathError) return textResponse(400, 'unsafe request path');
      throw error;
    }
    const headers = stripHopByHop(req.headers);
    const lengths = new Set(headers.filter(([name]) => name === 'content-length').map(([, v]) => v.trim()));
    // RFC 9112 §6.3: differing or non-numeric lengths are a framing error, never passed on.
    if (lengths.size > 1 || [...lengths].some((v) => !/^\d{1,15}$/.test(v))) {
      return textResponse(400, 'bad content-length');
    }
    const raw = ['host', target.host];
    for (const [name, value] of headers) {
      if (name === 'content-length' && !req.body) continue;
      raw.push(name, value);
    }
    return forward(req, `${base}${path}`, raw);
  };

  const forward = (req: HttpServerRequest, path: string, headers: string[]) =>
    new Promise<HttpServerResponse>((resolve, reject) => {
      let upstream: ClientRequest;
      try {
        upstream = request({
          agent,
          host: target.hostname,
          port: target.port,
          method: req.method,
          path,
          headers,
          setHost: false,
          signal: req.signal,
        });
      } catch {
        // node:http refuses a header name or value it cannot send (CR, LF, NUL, non-token name).
        resolve(textResponse(400, 'bad request header'));
        return;
      }
      // Node ≥ 18.13: a body longer or shorter than its content-length fails instead of desyncing the target.
      (upstream as ClientRequest & { strictContentLength: boolean }).strictContentLength = true;
      let connected = false;
      let bodySent = false;
      let answered = false;
      let timer: NodeJS.Timeout | undefined;
      const updateTimer = () => {
        const waiting = !answered && (!connected || bodySent);
        if (waiting && !timer) {
          timer = setTimeout(() => {
            upstream.destroy(
              new HttpUpstreamTimeoutError(`${target.origin} did not answer within ${timeoutMs} ms`),
            );
          }, timeoutMs);
        } else if (!waiting && timer) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
      updateTimer();
      upstream.once('socket', (socket) => {
        if (!socket.connecting) connected = true;
        else
          socket.once('connect', () => {
            connected = true;
            updateTimer();
          });
        updateTimer();
      });
      // `on`, not `once`: a request destroyed after its response (abort, cancel) emits `error` again.
      upstream.on('error', (error) => {
        if (answered) return;
        answered = true;
        updateTimer();
        if (req.signal.aborted) {
          reject(req.signal.reason);
          return;
        }
        const failure =
          error instanceof HttpUpstreamTimeoutError
            ? error
            : new HttpUpstreamFailedError(`${target.origin} failed: ${describe(error)}`, { cause: error });
        logger.warn('http upstream failed', { error: failure, method: req.method, path });
        resolve(
          failure instanceof HttpUpstreamTimeoutError
            ? textResponse(504, 'the device did not answer in time')
            : textResponse(502, 'the device could not be reached'),
        );
      });
      upstream.once('response', (res) => {
        answered = true;
        updateTimer();
        const pairs: [string, string][] = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          pairs.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
        }
        // The body stream reports a failure when it is read; an unread one must not throw it here.
        res.on('error', () => {});
        const status = res.statusCode ?? 502;
        const bodyless = req.method === 'HEAD' || status === 204 || status === 304;
        if (bodyless) res.resume();
        resolve({
          status,
          headers: stripHopByHop(pairs),
          body: bodyless ? null : responseBody(res, upstream, logger, target.origin),
        });
      });
      if (!req.body) {
        upstream.end();
        bodySent = true;
        updateTimer();
        return;
      }
      sendBody(req.body, upstream).then(
        () => {
          bodySent = true;
          updateTimer();
        },
        (error: unknown) => {
          if (!upstream.destroyed)
            upstream.destroy(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });

  return Object.assign(handler, {
    origin: target.origin,
    close() {
      agent.destroy();
    },
  });
}

/** The response body as a pull-based stream: one upstream chunk read per consumer pull. */
function responseBody(
  res: IncomingMessage,
  upstream: ClientRequest,
  logger: Logger,
  origin: string,
): ReadableStream<Uint8Array> {
  const chunks = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        } catch (cause) {
          const error = new HttpUpstreamFailedError(`${origin} stopped mid-response: ${describe(cause)}`, {
            cause,
          });
          logger.warn('http upstream failed mid-response', { error });
          controller.error(error);
        }
      },
      cancel() {
        upstream.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Write `body` into `upstream`, waiting for `drain` whenever its buffer is full, then end it. */
async function sendBody(body: ReadableStream<Uint8Array>, upstream: ClientRequest): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (upstream.destroyed) throw new Error('upstream request ended');
      if (!upstream.write(value)) await drained(upstream);
    }
    upstream.end();
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  } finally {
    reader.releaseLock();
  }
}

function drained(upstream: ClientRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      upstream.off('drain', onDrain);
      upstream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('upstream request closed'));
    upstream.on('drain', onDrain);
    upstream.on('close', onClose);
  });
}

function parseTarget(input: string | URL): Target {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch (cause) {
    throw new InvalidHttpTargetError('the target is not a URL', { cause });
  }
  if (url.protocol !== 'http:') {
    throw new InvalidHttpTargetError(`the target must be an http: origin, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new InvalidHttpTargetError('the target must not carry credentials');
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new InvalidHttpTargetError('the target must be an origin only (give a path as basePath)');
  }
  // URL keeps IPv6 brackets in `hostname`; node:http wants the bare address.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { hostname, port: url.port ? Number(url.port) : 80, host: url.host, origin: url.origin };
}

function parseBasePath(basePath: string | undefined): string {
  if (basePath === undefined || basePath === '' || basePath === '/') return '';
  let checked: string;
  try {
    checked = checkRequestPath(basePath);
  } catch (cause) {
    throw new InvalidHttpTargetError('basePath is not a safe path', { cause });
  }
  if (checked.includes('?')) throw new InvalidHttpTargetError('basePath must not have a query');
  return checked.replace(/\/+$/, '');
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

function textResponse(status: number, text: string): HttpServerResponse {
  const bytes = new TextEncoder().encode(`${text}\n`);
  return {
    status,
    headers: [
      ['content-type', 'text/plain; charset=utf-8'],
      ['content-length', String(bytes.length)],
    ],
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    }),
  };
}
