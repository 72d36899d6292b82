/**
 * createHttpForwarder against real local servers: JSON, Range, hop-by-hop headers, streamed bodies
 * with backpressure both ways (a 100 MB response with flat RSS, a slow reader holds the upstream
 * back), abort reaching the upstream, 502/504 with typed logs, and a hostile table that must never
 * reach a second server nor leave `basePath`.
 */

import type { HttpServerRequest, HttpServerResponse } from '@lanrtc/signal-core/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidHttpTargetError } from '../../src/errors.js';
import { createHttpForwarder, type HttpForwarder } from '../../src/http/forwarder.js';
import { startUpstream, type Upstream } from './upstream.js';

const MB = 1_000_000;
let target: Upstream;
let other: Upstream;
const forwarders: HttpForwarder[] = [];
const logged: { message: string; error?: Error }[] = [];
const logger = {
  debug() {},
  warn(message: string, fields?: Record<string, unknown>) {
    logged.push({ message, error: fields?.error as Error });
  },
};

beforeAll(async () => {
  [target, other] = [await startUpstream(), await startUpstream()];
});
afterAll(async () => {
  for (const f of forwarders) f.close();
  await Promise.all([target.close(), other.close()]);
});

function forwarder(init: { basePath?: string; timeoutMs?: number; target?: string } = {}): HttpForwarder {
  const f = createHttpForwarder({ target: init.target ?? target.origin, logger, ...init });
  forwarders.push(f);
  return f;
}

function call(
  handler: HttpForwarder,
  init: {
    method?: string;
    path: string;
    headers?: [string, string][];
    body?: ReadableStream<Uint8Array> | null;
    signal?: AbortSignal;
  },
): Promise<HttpServerResponse> {
  const req: HttpServerRequest = {
    method: init.method ?? 'GET',
    path: init.path,
    headers: init.headers ?? [],
    body: init.body ?? null,
    signal: init.signal ?? new AbortController().signal,
  };
  return handler(req);
}

async function bytesOf(response: HttpServerResponse): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  return new Uint8Array(await new Response(response.body as ReadableStream<Uint8Array>).arrayBuffer());
}

const text = async (response: HttpServerResponse) => new TextDecoder().decode(await bytesOf(response));
const header = (response: HttpServerResponse, name: string) =>
  response.headers.filter(([n]) => n === name).map(([, v]) => v);

/** A pull-based body of `size` bytes that counts how many bytes were pulled from it. */
function countingBody(size: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const piece = new Uint8Array(64 * 1024).fill(3);
  return {
    body: new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled >= size) return controller.close();
          const n = Math.min(piece.length, size - pulled);
          pulled += n;
          controller.enqueue(piece.slice(0, n));
        },
      },
      { highWaterMark: 0 },
    ),
    pulled: () => pulled,
  };
}

/** Wait until `check` holds (polling), or fail after `ms`. */
async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('createHttpForwarder', () => {
  it('refuses a target that is not a plain http: origin', () => {
    for (const bad of [
      'https://127.0.0.1:8443',
      'ftp://127.0.0.1',
      'file:///etc/passwd',
      'http://user:pw@127.0.0.1:8080',
      'http://127.0.0.1:8080/admin',
      'http://127.0.0.1:8080/?q=1',
      'not a url',
    ]) {
      expect(() => createHttpForwarder({ target: bad }), bad).toThrow(InvalidHttpTargetError);
    }
    expect(() => createHttpForwarder({ target: target.origin, basePath: '/a/../b' })).toThrow(
      InvalidHttpTargetError,
    );
  });

  it('forwards JSON with host set to the target, many at once', async () => {
    const f = forwarder();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(f, { path: `/data?i=${i}` })),
    );
    for (const [i, response] of responses.entries()) {
      expect(response.status).toBe(200);
      expect(JSON.parse(await text(response))).toEqual({
        url: `/data?i=${i}`,
        host: `127.0.0.1:${target.port}`,
      });
    }
  });

  it('passes Range through: 206 and content-range unchanged', async () => {
    const response = await call(forwarder(), { path: '/file', headers: [['range', 'bytes=1000-1999']] });
    expect(response.status).toBe(206);
    expect(header(response, 'content-range')).toEqual([`bytes 1000-1999/${target.file.length}`]);
    expect(await bytesOf(response)).toEqual(target.file.subarray(1000, 2000));
  });

  it('strips hop-by-hop headers both ways and keeps end-to-end ones', async () => {
    const before = target.seen.length;
    const response = await call(forwarder(), {
      path: '/hop',
      headers: [
        ['connection', 'x-private'],
        ['x-private', 'for this hop only'],
        ['proxy-authorization', 'Basic c2VjcmV0'],
        ['te', 'trailers'],
        ['upgrade', 'websocket'],
        ['x-app', 'kept'],
      ],
    });
    expect(await text(response)).toBe('hop');
    const names = response.headers.map(([n]) => n);
    for (const hop of ['connection', 'x-hop', 'keep-alive', 'proxy-authenticate', 'transfer-encoding']) {
      expect(names).not.toContain(hop);
    }
    expect(header(response, 'x-end-to-end')).toEqual(['kept']);
    const got = target.seen[before]?.headers ?? {};
    expect(got['x-app']).toBe('kept');
    for (const hop of ['x-private', 'proxy-authorization', 'te', 'upgrade']) expect(got[hop]).toBeUndefined();
  });

  it('streams a request body to the target and back', async () => {
    const { body } = countingBody(5 * MB);
    const response = await call(forwarder(), { method: 'POST', path: '/echo', body });
    const echoed = await bytesOf(response);
    expect(echoed.length).toBe(5 * MB);
    expect(echoed.every((b) => b === 3)).toBe(true);
  });

  it('does not pull a request body faster than the target reads it', async () => {
    const counting = countingBody(64 * MB);
    const abort = new AbortController();
    const before = target.seen.length;
    const pending = call(forwarder(), {
      method: 'PUT',
      path: '/stall-upload',
      body: counting.body,
      signal: abort.signal,
    }).catch((error: unknown) => error);
    await until(() => target.seen.length > before);
    // Wait until pulling stops: the socket buffers are full and the forwarder waits for `drain`.
    let last = -1;
    while (counting.pulled() !== last) {
      last = counting.pulled();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(counting.pulled()).toBeLessThan(16 * MB);
    abort.abort();
    await pending;
    // A server that stops reading cannot see its socket close: read again, then the close shows.
    target.seen[before]?.resume();
    await target.seen[before]?.closed;
    expect(target.seen[before]?.aborted).toBe(true);
  });

  it('streams a 100 MB response without holding it (RSS grows far less than 100 MB)', {
    timeout: 60_000,
  }, async () => {
    const f = forwarder();
    /** Read a `/big` response of `size` bytes; the peak RSS growth over the RSS before the request. */
    const read = async (size: number) => {
      const baseline = process.memoryUsage().rss;
      const response = await call(f, { path: `/big?size=${size}` });
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let peak = baseline;
      let total = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        total += value.length;
        if (total % (4 * MB) < value.length) peak = Math.max(peak, process.memoryUsage().rss);
      }
      expect(total).toBe(size);
      return peak - baseline;
    };
    // The first large read grows V8's and the allocator's pools (18–44 MB measured): warm them first.
    await read(20 * MB);
    // A forwarder that held the body would grow by the body's 100 MB at least.
    expect(await read(100 * MB)).toBeLessThan(60 * MB);
  });

  it('reads no faster upstream than the consumer reads, and cancelling closes the upstream', async () => {
    const before = target.seen.length;
    const startWritten = target.written();
    const response = await call(forwarder(), { path: `/big?size=${64 * MB}` });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    let last = -1;
    while (target.written() !== last) {
      last = target.written();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(target.written() - startWritten).toBeLessThan(16 * MB);
    await reader.cancel();
    await target.seen[before]?.closed;
    expect(target.seen[before]?.aborted).toBe(true);
  });

  it("the handler's signal closes the upstream request, before and after the response head", async () => {
    const f = forwarder();
    const headAbort = new AbortController();
    const before = target.seen.length;
    const waiting = call(f, { path: '/hang', signal: headAbort.signal });
    await until(() => target.seen.length > before);
    headAbort.abort();
    await expect(waiting).rejects.toBeTruthy();
    await target.seen[before]?.closed;
    expect(target.seen[before]?.aborted).toBe(true);

    const bodyAbort = new AbortController();
    const response = await call(f, {
      path: `/big?size=${10 * MB}&stallAfter=${MB}`,
      signal: bodyAbort.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    bodyAbort.abort();
    await target.seen[target.seen.length - 1]?.closed;
    expect(target.seen[target.seen.length - 1]?.aborted).toBe(true);
    await expect(reader.read()).rejects.toBeTruthy();
  });

  it('answers 502 when the target refuses and 504 when it does not answer, with typed logs', async () => {
    const closed = await startUpstream();
    const gone = closed.origin;
    await closed.close();
    logged.length = 0;
    const refused = await call(forwarder({ target: gone }), { path: '/json' });
    expect(refused.status).toBe(502);
    expect(await text(refused)).toMatch(/could not be reached/);
    expect(logged.map((l) => l.error?.name)).toEqual(['HttpUpstreamFailedError']);

    logged.length = 0;
    const before = target.seen.length;
    const late = await call(forwarder({ timeoutMs: 200 }), { path: '/hang' });
    expect(late.status).toBe(504);
    expect(await text(late)).toMatch(/did not answer/);
    expect(logged.map((l) => l.error?.name)).toEqual(['HttpUpstreamTimeoutError']);
    await target.seen[before]?.closed;
  });

  describe('hostile requests never reach another server nor leave basePath', () => {
    const otherHost = () => `127.0.0.1:${other.port}`;
    const table: { name: string; method?: string; path: () => string; headers?: () => [string, string][] }[] =
      [
        { name: 'absolute-form URL', path: () => `http://${otherHost()}/api/x` },
        { name: 'scheme-relative //host', path: () => `//${otherHost()}/x` },
        { name: 'authority-form with CONNECT', method: 'CONNECT', path: () => otherHost() },
        { name: 'asterisk-form', method: 'OPTIONS', path: () => '*' },
        { name: 'dot-dot', path: () => '/../secret' },
        { name: 'dot-dot inside', path: () => '/a/../../secret' },
        { name: 'encoded dot-dot', path: () => '/%2e%2e/secret' },
        { name: 'mixed-case encoded dot-dot', path: () => '/%2E%2e/secret' },
        { name: 'half-encoded dot-dot', path: () => '/.%2e/secret' },
        { name: 'encoded slash', path: () => '/..%2fsecret' },
        { name: 'encoded backslash', path: () => '/..%5csecret' },
        { name: 'backslash', path: () => '/..\\secret' },
        { name: 'backslash host', path: () => `/\\${otherHost()}/x` },
        { name: 'encoded NUL', path: () => '/x%00.json' },
        { name: 'CR LF in the path', path: () => '/x HTTP/1.1\r\nHost: evil\r\n\r\nGET /y' },
        { name: 'fragment', path: () => '/x#frag' },
        { name: 'empty path', path: () => '' },
        { name: 'no leading slash', path: () => 'x' },
        { name: 'Host header to the other server', path: () => '/x', headers: () => [['host', otherHost()]] },
        {
          name: 'CR LF in a header value',
          path: () => '/x',
          headers: () => [['x-a', `1\r\nHost: ${otherHost()}`]],
        },
        { name: 'bad header name', path: () => '/x', headers: () => [['x a', '1']] },
        { name: 'X-Forwarded-Host', path: () => '/x', headers: () => [['x-forwarded-host', otherHost()]] },
        { name: 'bad method', method: 'GET /x HTTP/1.1\r\n', path: () => '/x' },
      ];
    for (const row of table) {
      it(row.name, async () => {
        const f = forwarder({ basePath: '/api' });
        const before = target.seen.length;
        const response = await call(f, {
          ...(row.method ? { method: row.method } : {}),
          path: row.path(),
          headers: row.headers?.() ?? [],
        });
        await bytesOf(response);
        expect(other.seen).toEqual([]);
        for (const seen of target.seen.slice(before)) {
          expect(seen.url.startsWith('/api/')).toBe(true);
          expect(seen.headers.host).toBe(`127.0.0.1:${target.port}`);
          expect(seen.url).not.toMatch(/\.\.|secret|%2e|%2f|%5c|\\/i);
        }
        // Either refused here (4xx, the target saw nothing) or forwarded under basePath.
        if (response.status >= 400) expect(target.seen.length).toBe(before);
      });
    }
  });
});
