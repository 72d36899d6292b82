/**
 * The server engine of HTTP over the connection: answers the client's HELLO, runs the handler once
 * per REQUEST stream with a pull-based request body and an `AbortSignal`, and sends the handler's
 * response head and body within the stream's flow-control credit. The engine only frames: whether a
 * peer may reach a path is the handler's decision (node-agent checks grants and answers 403).
 */
import { timers } from '../encoding/timers.js';
import {
  HttpProtocolError,
  HttpServiceRefusedError,
  HttpStreamResetError,
  InvalidArgumentError,
  UnsupportedVersionError,
} from '../errors.js';
import { NOOP_LOGGER } from '../logger.js';
import type { TransferLane } from '../transfer/lane.js';
import { createHttpChannel } from './channel.js';
import { HTTP_MAX_CONCURRENT_STREAMS, HTTP_PROTOCOL_VERSION } from './constants.js';
import type { HttpFrame, HttpGoawayCode, HttpResetCode } from './frames.js';
import { isHeaderName, isHeaderValue, isServiceName, stripHopByHop } from './headers.js';
import { createInboundBody, type InboundBody } from './inbound-body.js';
import { type BodyPump, type BodySource, isBodySource, pumpBody } from './outbound-body.js';
import type { HttpServer, HttpServerInit, HttpServerRequest, HttpServerResponse } from './types.js';
import { web } from './web-types.js';
import { createReceiveWindow, createSendCredit, type ReceiveWindow, type SendCredit } from './window.js';

/** How long the server waits for the client to close after a GOAWAY before it closes itself. */
const GOAWAY_GRACE_MS = 1000;

interface ServerStream {
  readonly id: number;
  readonly credit: SendCredit;
  readonly window: ReceiveWindow;
  readonly abort: { abort(reason?: unknown): void };
  readonly body: InboundBody | undefined;
  pump: BodyPump | undefined;
  headSent: boolean;
  sentEnd: boolean;
  receivedEnd: boolean;
  done: boolean;
}

/** Status codes that never carry a body (RFC 9110 §6.4.1). */
const NO_BODY = new Set([204, 304]);

/** Serve HTTP on `lane` (the `lanrtc-http` channel the client opened) with `init.handler`. */
export function serveHttp(lane: TransferLane, init: HttpServerInit): HttpServer {
  if (!isServiceName(init.service)) throw new InvalidArgumentError('service name not allowed');
  const logger = init.logger ?? NOOP_LOGGER;
  const streams = new Map<number, ServerStream>();
  let greeted = false;
  let goingAway = false;
  let lastStream = 0;
  let grace: unknown;

  const channel = createHttpChannel(lane, {
    onFrame,
    onBadFrame(error) {
      if (error instanceof UnsupportedVersionError && !greeted) {
        goaway('unsupported-version', `this device speaks version ${HTTP_PROTOCOL_VERSION}`);
        return;
      }
      const failure =
        error instanceof HttpProtocolError
          ? error
          : new HttpProtocolError('malformed frame on the HTTP channel', { cause: error });
      logger.warn('HTTP channel protocol error', { error: failure.message });
      goaway('protocol', failure.message);
      failAll(failure);
    },
    onClosed(error) {
      if (grace !== undefined) timers.clearTimeout(grace);
      failAll(error);
    },
  });

  function goaway(code: HttpGoawayCode, detail: string): void {
    if (goingAway) return;
    goingAway = true;
    channel.send({ type: 'goaway', stream: 0, code, detail });
    // The client closes the channel when it reads GOAWAY; closing at once could drop the frame.
    grace = timers.setTimeout(
      () => channel.close(new HttpServiceRefusedError(`HTTP channel ended: ${code}`, code)),
      GOAWAY_GRACE_MS,
    );
  }

  function failAll(error: Error): void {
    for (const stream of [...streams.values()]) finish(stream, error);
  }

  function finish(s: ServerStream, error: Error): void {
    if (s.done) return;
    s.done = true;
    streams.delete(s.id);
    s.abort.abort(error);
    s.body?.fail(error);
    s.pump?.stop(error);
    s.credit.fail(error);
  }

  function reset(s: ServerStream, code: HttpResetCode, why: string): void {
    if (s.done) return;
    channel.send({ type: 'reset', stream: s.id, code });
    finish(s, new HttpStreamResetError(why, code));
  }

  function settle(s: ServerStream): void {
    if (s.done || !s.sentEnd) return;
    if (s.receivedEnd) {
      s.done = true;
      streams.delete(s.id);
      return;
    }
    // The response is complete but the request body is not: stop it (as RST_STREAM NO_ERROR, RFC 9113 §8.1).
    reset(s, 'cancel', 'response complete before the request body');
  }

  function onFrame(frame: HttpFrame): void {
    if (goingAway) return;
    if (!greeted) {
      if (frame.type !== 'hello') throw new HttpProtocolError('the first frame must be HELLO');
      if (frame.service !== init.service) {
        goaway('unknown-service', 'no such service on this device');
        return;
      }
      greeted = true;
      channel.send({ type: 'hello', stream: 0, version: HTTP_PROTOCOL_VERSION, service: init.service });
      return;
    }
    switch (frame.type) {
      case 'request':
        open(frame);
        return;
      case 'hello':
      case 'response':
      case 'goaway':
        throw new HttpProtocolError(`unexpected ${frame.type.toUpperCase()} from the client`);
      default:
        break;
    }
    const s = streams.get(frame.stream);
    if (!s) {
      if (frame.stream > lastStream) throw new HttpProtocolError('frame for a stream never opened');
      return; // a stream this side already finished: frames in flight are dropped
    }
    switch (frame.type) {
      case 'data':
        s.window.receive(frame.bytes.length);
        if (!s.body || s.receivedEnd) throw new HttpProtocolError('DATA after the request body ended');
        s.body.push(frame.bytes);
        return;
      case 'end':
        if (!s.body || s.receivedEnd) throw new HttpProtocolError('END after the request body ended');
        s.receivedEnd = true;
        s.body.end();
        settle(s);
        return;
      case 'reset':
        finish(s, new HttpStreamResetError(`the client reset the stream: ${frame.code}`, frame.code));
        return;
      case 'window':
        s.credit.add(frame.increment);
        return;
    }
  }

  function open(frame: Extract<HttpFrame, { type: 'request' }>): void {
    if (frame.stream <= lastStream) throw new HttpProtocolError('stream ids must increase');
    lastStream = frame.stream;
    if (streams.size >= HTTP_MAX_CONCURRENT_STREAMS) {
      channel.send({ type: 'reset', stream: frame.stream, code: 'refused' });
      return;
    }
    const window = createReceiveWindow();
    const controller = new web.AbortController();
    const id = frame.stream;
    const body = frame.end
      ? undefined
      : createInboundBody({
          onConsumed(bytes) {
            const increment = window.consume(bytes);
            if (increment > 0 && !s.done) channel.send({ type: 'window', stream: id, increment });
          },
          onCancel() {
            // The handler does not want the rest: what still arrives is dropped and re-credited.
          },
        });
    const s: ServerStream = {
      id,
      credit: createSendCredit(),
      window,
      abort: controller,
      body,
      pump: undefined,
      headSent: false,
      sentEnd: false,
      receivedEnd: frame.end,
      done: false,
    };
    streams.set(id, s);
    const request = {
      method: frame.method,
      path: frame.path,
      headers: stripHopByHop(frame.headers),
      body: body?.stream ?? null,
      signal: controller.signal,
    } as unknown as HttpServerRequest;
    Promise.resolve()
      .then(() => init.handler(request))
      .then(
        (response) => respond(s, frame.method, response),
        (error: unknown) => failed(s, error),
      )
      .catch((error: unknown) => failed(s, error));
  }

  function respond(s: ServerStream, method: string, response: HttpServerResponse): void {
    const source = response.body as BodySource | null;
    if (s.done) {
      cancelSource(source);
      return;
    }
    const { status } = response;
    // A WHATWG Response can carry only 200…599 (Fetch §"Response class"); 1xx never crosses.
    if (!Number.isInteger(status) || status < 200 || status > 599)
      throw new InvalidArgumentError(`handler answered status ${String(status)}`);
    const headers = stripHopByHop(response.headers);
    for (const [name, value] of headers)
      if (!isHeaderName(name) || !isHeaderValue(value))
        throw new InvalidArgumentError('handler answered a header that is not allowed');
    if (source !== null && !isBodySource(source))
      throw new InvalidArgumentError('handler body is not a stream');
    const bodyless = source === null || NO_BODY.has(status) || method === 'HEAD';
    if (bodyless) cancelSource(source);
    // The body's reader is taken before the head goes out, so a body that cannot be read (a locked
    // stream) is still a 500 rather than a RESET after a 200.
    const pump = bodyless
      ? undefined
      : pumpBody(source as BodySource, s.credit, channel.maxPayload, (bytes) =>
          channel.writeData(s.id, bytes),
        );
    try {
      channel.send({ type: 'response', stream: s.id, end: bodyless, status, headers });
    } catch (error) {
      // A head the codec refuses (over 64 KiB): nothing was sent, so the handler's failure is a 500.
      pump?.done.catch(() => {});
      pump?.stop(error instanceof Error ? error : new InvalidArgumentError('response head refused'));
      throw error;
    }
    s.headSent = true;
    if (!pump) {
      s.sentEnd = true;
      settle(s);
      return;
    }
    s.pump = pump;
    pump.done.then(
      () => {
        if (s.done) return;
        channel.send({ type: 'end', stream: s.id });
        s.sentEnd = true;
        settle(s);
      },
      (error: unknown) => {
        if (s.done) return;
        pump.stop(error instanceof Error ? error : new InvalidArgumentError('handler body failed'));
        failed(s, error);
      },
    );
  }

  function failed(s: ServerStream, error: unknown): void {
    if (s.done) return;
    logger.warn('HTTP handler failed', {
      stream: s.id,
      error: error instanceof Error ? error.name : typeof error,
    });
    if (s.headSent) {
      reset(s, 'internal', 'the handler failed after the response head');
      return;
    }
    s.headSent = true;
    channel.send({ type: 'response', stream: s.id, end: true, status: 500, headers: [] });
    s.sentEnd = true;
    settle(s);
  }

  return {
    closed: channel.closed,
    close(code = 'closing', detail = code === 'closing' ? 'the device stopped serving' : 'refused') {
      if (channel.isClosed) return;
      goaway(code, detail);
      failAll(new HttpServiceRefusedError(`the HTTP server closed: ${code}`, code));
    },
  };
}

function cancelSource(source: BodySource | null): void {
  if (!source) return;
  if (typeof (source as { cancel?: unknown }).cancel === 'function')
    (source as { cancel(): Promise<void> }).cancel().catch(() => {});
  else
    (source as AsyncIterable<Uint8Array>)
      [Symbol.asyncIterator]()
      .return?.()
      ?.catch(() => {});
}
