/**
 * The client engine of HTTP over the connection: HELLO, then one stream per `fetch`, each a REQUEST,
 * an optional streamed body within the server's credit, and a WHATWG `Response` whose body is read
 * pull-based (credit goes back only as the caller reads). Aborting the caller's signal or cancelling
 * the body sends RESET cancel; a GOAWAY or the channel's close fails every open stream.
 */
import type { AbortSignalLike } from '../encoding/abort.js';
import { utf8 } from '../encoding/bytes.js';
import {
  HttpProtocolError,
  HttpServiceRefusedError,
  HttpStreamResetError,
  InvalidArgumentError,
  TransportClosedError,
  UnsupportedVersionError,
} from '../errors.js';
import type { TransferLane } from '../transfer/lane.js';
import { createHttpChannel } from './channel.js';
import { DEFAULT_HTTP_SERVICE, HTTP_MAX_CONCURRENT_STREAMS, HTTP_PROTOCOL_VERSION } from './constants.js';
import { encodeHttpFrame, type HttpFrame, type HttpResetCode } from './frames.js';
import { isMethod, isServiceName, stripHopByHop } from './headers.js';
import { createInboundBody, type InboundBody } from './inbound-body.js';
import { type BodyPump, type BodySource, isBodySource, pumpBody } from './outbound-body.js';
import { checkRequestPath } from './path-check.js';
import type { HttpClient, HttpClientInit, HttpFetchInit } from './types.js';
import { type HttpResponse, type ResponseLike, web } from './web-types.js';
import { createReceiveWindow, createSendCredit, type ReceiveWindow, type SendCredit } from './window.js';

interface ClientStream {
  readonly id: number;
  readonly method: string;
  readonly credit: SendCredit;
  readonly window: ReceiveWindow;
  body: InboundBody | undefined;
  pump: BodyPump | undefined;
  resolveHead(response: ResponseLike): void;
  rejectHead(error: unknown): void;
  headReceived: boolean;
  sentEnd: boolean;
  receivedEnd: boolean;
  done: boolean;
  release(): void;
}

// Fetch §"concept-method-normalize": these are upper-cased, any other method is sent as given.
const NORMALISED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
// Fetch §"forbidden method": a tunnel or a trace has no meaning through the bridge.
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const NO_BODY = new Set([204, 304]);
const MAX_STREAM_ID = 0xffffffff;

function normaliseMethod(method: string): string {
  const upper = method.toUpperCase();
  if (!isMethod(method)) throw new InvalidArgumentError('method is not a token');
  if (FORBIDDEN_METHODS.has(upper)) throw new InvalidArgumentError(`method ${upper} is not allowed`);
  return NORMALISED_METHODS.has(upper) ? upper : method;
}

/** Open an HTTP client on `lane` (the `lanrtc-http` channel); resolves after the server's HELLO. */
export async function openHttpClientOnLane(
  lane: TransferLane,
  init: HttpClientInit = {},
): Promise<HttpClient> {
  const service = init.service ?? DEFAULT_HTTP_SERVICE;
  if (!isServiceName(service)) throw new InvalidArgumentError('service name not allowed');
  const streams = new Map<number, ClientStream>();
  const slotWaiters: (() => void)[] = [];
  let nextId = 1;
  let greeted = false;
  let closeError: Error | undefined;
  let opened: { resolve(): void; reject(error: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (opened = { resolve, reject }));

  const channel = createHttpChannel(lane, {
    onFrame,
    onBadFrame(error) {
      const failure =
        error instanceof HttpProtocolError || error instanceof UnsupportedVersionError
          ? error
          : new HttpProtocolError('malformed frame on the HTTP channel', { cause: error });
      channel.close(failure);
    },
    onClosed(error) {
      closeError ??= error;
      opened?.reject(closeError);
      for (const s of [...streams.values()]) finish(s, closeError);
      for (const wake of slotWaiters.splice(0)) wake();
    },
  });

  function finish(s: ClientStream, error: unknown): void {
    if (s.done) return;
    s.done = true;
    streams.delete(s.id);
    s.release();
    if (!s.headReceived) s.rejectHead(error);
    s.body?.fail(error);
    const reason = error instanceof Error ? error : new TransportClosedError('stream ended');
    s.pump?.stop(reason);
    s.credit.fail(reason);
  }

  function reset(s: ClientStream, code: HttpResetCode, error: unknown): void {
    if (s.done) return;
    channel.send({ type: 'reset', stream: s.id, code });
    finish(s, error);
  }

  function settle(s: ClientStream): void {
    if (s.done || !s.sentEnd || !s.receivedEnd) return;
    s.done = true;
    streams.delete(s.id);
    s.release();
  }

  function onFrame(frame: HttpFrame): void {
    if (frame.type === 'goaway') {
      const error =
        frame.code === 'unsupported-version'
          ? new UnsupportedVersionError('the device does not speak this HTTP channel version')
          : new HttpServiceRefusedError(`the device refused HTTP: ${frame.code}`, frame.code);
      closeError = error;
      channel.close(error);
      return;
    }
    if (!greeted) {
      if (frame.type !== 'hello' || frame.service !== service)
        throw new HttpProtocolError('the first frame from the device must be its HELLO');
      greeted = true;
      opened?.resolve();
      return;
    }
    if (frame.type === 'hello' || frame.type === 'request')
      throw new HttpProtocolError(`unexpected ${frame.type.toUpperCase()} from the device`);
    const s = streams.get(frame.stream);
    if (!s) {
      if (frame.stream >= nextId) throw new HttpProtocolError('frame for a stream never opened');
      return; // a stream this side already finished: frames in flight are dropped
    }
    switch (frame.type) {
      case 'response':
        head(s, frame);
        return;
      case 'data':
        s.window.receive(frame.bytes.length);
        if (!s.body || s.receivedEnd) throw new HttpProtocolError('DATA outside a response body');
        s.body.push(frame.bytes);
        return;
      case 'end':
        if (!s.headReceived || s.receivedEnd) throw new HttpProtocolError('END outside a response body');
        s.receivedEnd = true;
        s.body?.end();
        settle(s);
        return;
      case 'reset':
        if (frame.code === 'cancel' && s.receivedEnd) {
          // The whole response arrived; the device only stops the rest of the request body.
          s.sentEnd = true;
          s.pump?.stop(new HttpStreamResetError('the device needs no more request body', 'cancel'));
          settle(s);
          return;
        }
        finish(s, new HttpStreamResetError(`the device reset the stream: ${frame.code}`, frame.code));
        return;
      case 'window':
        s.credit.add(frame.increment);
        return;
    }
  }

  function head(s: ClientStream, frame: Extract<HttpFrame, { type: 'response' }>): void {
    if (s.headReceived) throw new HttpProtocolError('a second RESPONSE on one stream');
    // A WHATWG Response cannot carry 1xx (or anything outside 200…599): Fetch §"Response class".
    if (frame.status < 200 || frame.status > 599) {
      reset(s, 'protocol', new HttpProtocolError(`the device answered status ${frame.status}`));
      return;
    }
    const headers = new web.Headers();
    try {
      for (const [name, value] of stripHopByHop(frame.headers)) headers.append(name, value);
    } catch (cause) {
      reset(s, 'protocol', new HttpProtocolError('the device answered a header Headers refuses', { cause }));
      return;
    }
    const nullBody = frame.end || NO_BODY.has(frame.status) || s.method === 'HEAD';
    if (!nullBody) {
      s.body = createInboundBody({
        onConsumed(bytes) {
          const increment = s.window.consume(bytes);
          if (increment > 0 && !s.done) channel.send({ type: 'window', stream: s.id, increment });
        },
        onCancel(reason) {
          reset(s, 'cancel', reason);
        },
      });
    }
    s.headReceived = true;
    s.receivedEnd = frame.end;
    s.resolveHead(new web.Response(s.body?.stream ?? null, { status: frame.status, headers }));
    settle(s);
  }

  async function fetch(path: string, options: HttpFetchInit = {}): Promise<HttpResponse> {
    const target = checkRequestPath(path);
    const method = normaliseMethod(options.method ?? 'GET');
    const headers: [string, string][] = [];
    new web.Headers(options.headers).forEach((value, name) => {
      headers.push([name, value]);
    });
    let source: BodySource | undefined;
    const given = options.body ?? null;
    if (given !== null) {
      if (method === 'GET' || method === 'HEAD')
        throw new InvalidArgumentError(`a ${method} request has no body`);
      if (typeof given === 'string' || given instanceof Uint8Array) {
        const bytes = typeof given === 'string' ? utf8(given) : given;
        if (!headers.some(([name]) => name === 'content-length'))
          headers.push(['content-length', String(bytes.length)]);
        if (bytes.length > 0)
          source = (async function* () {
            yield bytes;
          })();
      } else if (isBodySource(given)) {
        if ((given as { locked?: boolean }).locked === true)
          throw new InvalidArgumentError('the body stream is locked (already being read)');
        source = given as BodySource;
      } else throw new InvalidArgumentError('body must be bytes, text or a stream');
    }
    const signal = options.signal as AbortSignalLike | undefined;
    if (signal?.aborted) throw signal.reason;
    while (streams.size >= HTTP_MAX_CONCURRENT_STREAMS && !channel.isClosed)
      await new Promise<void>((resolve) => slotWaiters.push(resolve));
    if (channel.isClosed) throw closeError ?? new TransportClosedError('HTTP client closed');
    if (signal?.aborted) throw signal.reason;
    if (nextId > MAX_STREAM_ID) throw new TransportClosedError('HTTP channel ran out of stream ids');
    const id = nextId++;
    // Encoded before the stream exists, so a head the codec refuses (over 64 KiB) leaves nothing behind.
    const request = encodeHttpFrame({
      type: 'request',
      stream: id,
      end: source === undefined,
      method,
      path: target,
      headers: stripHopByHop(headers),
    });
    let resolveHead: (response: ResponseLike) => void = () => {};
    let rejectHead: (error: unknown) => void = () => {};
    const headPromise = new Promise<ResponseLike>((resolve, reject) => {
      resolveHead = resolve;
      rejectHead = reject;
    });
    const onAbort = () => reset(s, 'cancel', signal?.reason);
    const s: ClientStream = {
      id,
      method,
      credit: createSendCredit(),
      window: createReceiveWindow(),
      body: undefined,
      pump: undefined,
      resolveHead,
      rejectHead,
      headReceived: false,
      sentEnd: source === undefined,
      receivedEnd: false,
      done: false,
      release() {
        signal?.removeEventListener('abort', onAbort);
        slotWaiters.shift()?.();
      },
    };
    streams.set(id, s);
    signal?.addEventListener('abort', onAbort);
    channel.sendEncoded(request);
    if (source) {
      let pump: BodyPump;
      try {
        pump = pumpBody(source, s.credit, channel.maxPayload, (bytes) => channel.writeData(id, bytes));
      } catch (error) {
        // A body that cannot be read (a locked stream): the request stops here, as fetch's TypeError.
        reset(s, 'cancel', error);
        return (await headPromise) as unknown as HttpResponse;
      }
      s.pump = pump;
      pump.done.then(
        () => {
          if (s.done || s.sentEnd) return;
          channel.send({ type: 'end', stream: id });
          s.sentEnd = true;
          settle(s);
        },
        (error: unknown) => reset(s, 'cancel', error),
      );
    }
    return (await headPromise) as unknown as HttpResponse;
  }

  channel.send({ type: 'hello', stream: 0, version: HTTP_PROTOCOL_VERSION, service });
  await ready;
  opened = undefined;
  return {
    fetch,
    closed: channel.closed,
    close() {
      channel.close(new TransportClosedError('HTTP client closed'));
    },
  };
}
