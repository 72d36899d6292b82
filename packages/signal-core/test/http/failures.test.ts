import { HTTP_MAX_CONCURRENT_STREAMS, openHttpClientOnLane, serveHttp } from '@lanrtc/signal-core/http';
import { createMemoryLanePair } from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import { connected, KiB, rawPeer, readAll, rejection, settle } from './support.js';

const never = () => new Promise<never>(() => {});
const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason)));

describe('HTTP engines: aborts, failures and refusals', () => {
  it('client abort before the head: fetch rejects with the reason, the handler signal aborts (RESET cancel)', async () => {
    let handlerAborted: Promise<unknown> | undefined;
    const { client } = await connected(async (req) => {
      handlerAborted = aborted(req.signal as AbortSignal);
      return never();
    });
    const controller = new AbortController();
    const answer = settle(client.fetch('/wait', { signal: controller.signal }));
    while (!handlerAborted) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(rejection(await answer).name).toBe('AbortError');
    const reason = (await handlerAborted) as { name: string; code: string };
    expect(reason.name).toBe('HttpStreamResetError');
    expect(reason.code).toBe('cancel');
    client.close();
  });

  it('client abort mid-body: the body errors, the handler signal aborts and its body is cancelled', async () => {
    let handlerAborted: Promise<unknown> | undefined;
    let cancelled: unknown;
    const { client } = await connected(async (req) => {
      handlerAborted = aborted(req.signal as AbortSignal);
      return {
        status: 200,
        headers: [],
        body: new ReadableStream<Uint8Array>({
          pull: (c) => c.enqueue(new Uint8Array(16 * KiB)),
          cancel: (reason) => {
            cancelled = reason ?? true;
          },
        }),
      };
    });
    const controller = new AbortController();
    const response = await client.fetch('/endless', { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).value?.length).toBeGreaterThan(0);
    controller.abort();
    expect(rejection(await settle(reader.read())).name).toBe('AbortError');
    expect(((await handlerAborted) as Error).name).toBe('HttpStreamResetError');
    expect(cancelled).toBeDefined();
    client.close();
  });

  it('cancelling the response body resets the stream and aborts the handler', async () => {
    let handlerAborted: Promise<unknown> | undefined;
    const { client } = await connected(async (req) => {
      handlerAborted = aborted(req.signal as AbortSignal);
      return {
        status: 200,
        headers: [],
        body: new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(1000)) }),
      };
    });
    const response = await client.fetch('/endless');
    await response.body?.cancel();
    expect(((await handlerAborted) as { code: string }).code).toBe('cancel');
    // The channel is still good for the next request.
    client.close();
  });

  it('a handler that throws before answering gives a 500; one whose body fails mid-way gives RESET internal', async () => {
    const { client } = await connected(async (req) => {
      if (req.path === '/throw') throw new Error('boom');
      return {
        status: 200,
        headers: [],
        body: (async function* () {
          yield new Uint8Array(10);
          throw new Error('disk gone');
        })(),
      };
    });
    expect((await client.fetch('/throw')).status).toBe(500);
    const response = await client.fetch('/half');
    const error = rejection(await settle(readAll(response.body)));
    expect(error.name).toBe('HttpStreamResetError');
    expect(error.code).toBe('internal');
    expect((await client.fetch('/throw')).status).toBe(500);
    client.close();
  });

  it('a handler answering a status a Response cannot carry, a bad or huge header, or a locked body gives a 500', async () => {
    const sources: { pulled: number; cancelled: boolean }[] = [];
    const { client } = await connected(async (req) => {
      const state = { pulled: 0, cancelled: false };
      sources.push(state);
      const body = new ReadableStream<Uint8Array>({
        pull: (c) => {
          state.pulled++;
          c.enqueue(new Uint8Array(10));
        },
        cancel: () => {
          state.cancelled = true;
        },
      });
      if (req.path === '/locked') body.getReader();
      return {
        status: req.path === '/a' ? 101 : req.path === '/b' ? 199 : 200,
        headers:
          req.path === '/c'
            ? [['x-bad', 'a\nb']]
            : req.path === '/huge'
              ? [
                  ['x-1', 'v'.repeat(40_000)],
                  ['x-2', 'v'.repeat(40_000)],
                ]
              : [],
        body: req.path === '/a' || req.path === '/b' || req.path === '/c' ? null : body,
      };
    });
    for (const path of ['/a', '/b', '/c', '/locked', '/huge'])
      expect((await client.fetch(path)).status).toBe(500);
    // The refused head's body was cancelled, not left being read.
    expect(sources[4]?.cancelled).toBe(true);
    client.close();
  });

  it('a device answering 101 or 1xx: fetch rejects with HttpProtocolError and the stream is reset', async () => {
    const [a, b] = createMemoryLanePair();
    const device = rawPeer(b);
    const opening = openHttpClientOnLane(a);
    await device.next('hello');
    await device.send({ type: 'hello', stream: 0, version: 1, service: 'web' });
    const client = await opening;
    const answer = settle(client.fetch('/ws'));
    const request = await device.next('request');
    await device.send({ type: 'response', stream: request.stream, end: true, status: 101, headers: [] });
    expect(rejection(await answer).name).toBe('HttpProtocolError');
    expect((await device.next('reset', request.stream)).code).toBe('protocol');
    client.close();
  });

  it('the channel closing fails open fetches and bodies with TransportClosedError and aborts handlers', async () => {
    const signals: AbortSignal[] = [];
    const { client, lanes, server } = await connected(async (req) => {
      signals.push(req.signal as AbortSignal);
      if (req.path === '/head') return never();
      return { status: 200, headers: [], body: new ReadableStream({ pull: () => never() }) };
    });
    const response = await client.fetch('/body');
    const waiting = settle(client.fetch('/head'));
    while (signals.length < 2) await new Promise((resolve) => setImmediate(resolve));
    const reading = settle(readAll(response.body));
    lanes[0].fail(new Error('path lost'));
    expect(rejection(await waiting).name).toBe('TransportClosedError');
    expect(rejection(await reading).name).toBe('TransportClosedError');
    await server.closed;
    await client.closed;
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(rejection(await settle(client.fetch('/after'))).name).toBe('TransportClosedError');
  });

  it('an unknown service is refused with GOAWAY unknown-service → HttpServiceRefusedError', async () => {
    const [a, b] = createMemoryLanePair();
    const server = serveHttp(b, { service: 'web', handler: never });
    const error = rejection(await settle(openHttpClientOnLane(a, { service: 'cam' })));
    expect(error.name).toBe('HttpServiceRefusedError');
    expect(error.code).toBe('unknown-service');
    await server.closed;
  });

  it('server close(): GOAWAY closing fails open fetches with HttpServiceRefusedError', async () => {
    const { client, server } = await connected(never);
    const answer = settle(client.fetch('/x'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    server.close();
    const error = rejection(await answer);
    expect(error.name).toBe('HttpServiceRefusedError');
    expect(error.code).toBe('closing');
    await client.closed;
    await server.closed;
  });

  it('server close(not-allowed) (a revoked peer): the client gets HttpServiceRefusedError not-allowed', async () => {
    const { client, server } = await connected(never);
    const answer = settle(client.fetch('/x'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    server.close('not-allowed', 'pairing revoked');
    const error = rejection(await answer);
    expect(error.name).toBe('HttpServiceRefusedError');
    expect(error.code).toBe('not-allowed');
    await client.closed;
  });

  it('a HELLO of another version gets GOAWAY unsupported-version; the client surfaces UnsupportedVersionError', async () => {
    const [a, b] = createMemoryLanePair();
    serveHttp(b, { service: 'web', handler: never });
    const client = rawPeer(a);
    await client.sendBytes(Uint8Array.from([0, 0, 0, 0, 0, 2, 0, 3, 119, 101, 98]));
    expect((await client.next('goaway')).code).toBe('unsupported-version');
    a.close();

    const [c, d] = createMemoryLanePair();
    const device = rawPeer(d);
    const opening = settle(openHttpClientOnLane(c));
    await device.next('hello');
    await device.send({ type: 'goaway', stream: 0, code: 'unsupported-version', detail: 'v2 only' });
    expect(rejection(await opening).name).toBe('UnsupportedVersionError');
  });

  it(`the server refuses stream ${HTTP_MAX_CONCURRENT_STREAMS + 1} with RESET refused`, async () => {
    const [a, b] = createMemoryLanePair();
    serveHttp(b, { service: 'web', handler: never });
    const client = rawPeer(a);
    await client.send({ type: 'hello', stream: 0, version: 1, service: 'web' });
    await client.next('hello');
    for (let id = 1; id <= HTTP_MAX_CONCURRENT_STREAMS + 1; id++)
      await client.send({ type: 'request', stream: id, end: true, method: 'GET', path: '/', headers: [] });
    expect((await client.next('reset', HTTP_MAX_CONCURRENT_STREAMS + 1)).code).toBe('refused');
    expect(client.frames.filter((f) => f.type === 'reset')).toHaveLength(1);
    a.close();
  });

  it.each([
    ['DATA past the credit', 'data'],
    ['a request before HELLO', 'early'],
    ['a decreasing stream id', 'order'],
    ['garbage bytes', 'garbage'],
  ])('a client sending %s gets GOAWAY protocol and the handlers abort', async (_what, kind) => {
    const [a, b] = createMemoryLanePair();
    const signals: AbortSignal[] = [];
    const server = serveHttp(b, {
      service: 'web',
      handler: (req) => {
        signals.push(req.signal as AbortSignal);
        return never();
      },
    });
    const client = rawPeer(a);
    if (kind !== 'early') {
      await client.send({ type: 'hello', stream: 0, version: 1, service: 'web' });
      await client.next('hello');
      await client.send({ type: 'request', stream: 5, end: false, method: 'POST', path: '/', headers: [] });
    }
    if (kind === 'data')
      for (let i = 0; i < 5; i++)
        await client.send({ type: 'data', stream: 5, bytes: new Uint8Array(60 * KiB) });
    if (kind === 'early' || kind === 'order')
      await client.send({ type: 'request', stream: 1, end: true, method: 'GET', path: '/', headers: [] });
    if (kind === 'garbage') await client.sendBytes(Uint8Array.from([9, 9, 9]));
    expect((await client.next('goaway')).code).toBe('protocol');
    expect(signals.every((s) => s.aborted)).toBe(true);
    a.close();
    await server.closed;
  });

  it('a device sending DATA past the credit fails the client channel with HttpProtocolError', async () => {
    const [a, b] = createMemoryLanePair();
    const device = rawPeer(b);
    const opening = openHttpClientOnLane(a);
    await device.next('hello');
    await device.send({ type: 'hello', stream: 0, version: 1, service: 'web' });
    const client = await opening;
    const response = await (async () => {
      const answer = client.fetch('/x');
      const request = await device.next('request');
      await device.send({ type: 'response', stream: request.stream, end: false, status: 200, headers: [] });
      return answer;
    })();
    for (let i = 0; i < 5; i++)
      await device.send({ type: 'data', stream: 1, bytes: new Uint8Array(60 * KiB) });
    expect(rejection(await settle(readAll(response.body))).name).toBe('HttpProtocolError');
    await client.closed;
  });

  it('unsafe paths, forbidden methods and oversized heads are refused before anything is sent', async () => {
    const { client, lanes } = await connected(never);
    let sent = 0;
    lanes[1].onFrame(() => sent++);
    for (const path of ['http://evil.example/', '//evil.example/', '/a/%2e%2e/b', '/a\r\nHost: x'])
      expect(rejection(await settle(client.fetch(path))).name).toBe('UnsafeRequestPathError');
    expect(rejection(await settle(client.fetch('/', { method: 'CONNECT' }))).name).toBe(
      'InvalidArgumentError',
    );
    expect(rejection(await settle(client.fetch('/', { body: 'x' }))).name).toBe('InvalidArgumentError');
    const huge = { 'x-big': 'v'.repeat(40_000), 'x-big2': 'v'.repeat(40_000) };
    expect(rejection(await settle(client.fetch('/', { headers: huge }))).name).toBe('InvalidArgumentError');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toBe(0);
    const locked = new ReadableStream<Uint8Array>();
    locked.getReader();
    expect(rejection(await settle(client.fetch('/', { method: 'POST', body: locked }))).name).toBe(
      'InvalidArgumentError',
    );
    client.close();
  });
});
