import type { HttpServerRequest } from '@lanrtc/signal-core/http';
import { describe, expect, it } from 'vitest';
import { connected, countingStream, KiB, pattern, readAll, sameBytes } from './support.js';

describe('HTTP engines over a memory lane', () => {
  it('a GET: status, end-to-end headers and a JSON body; hop-by-hop headers never cross', async () => {
    let seen: HttpServerRequest | undefined;
    const { client, server } = await connected(async (req) => {
      seen = req;
      return {
        status: 200,
        headers: [
          ['content-type', 'application/json'],
          ['connection', 'x-hop'],
          ['x-hop', '1'],
          ['transfer-encoding', 'chunked'],
        ],
        body: new Blob([JSON.stringify({ ok: true, path: req.path })]).stream(),
      };
    });
    const response = await client.fetch('/api/status?x=1', {
      headers: { accept: 'application/json', 'x-mine': 'a', 'keep-alive': 'timeout=5' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.has('x-hop')).toBe(false);
    expect(response.headers.has('transfer-encoding')).toBe(false);
    expect(await response.json()).toEqual({ ok: true, path: '/api/status?x=1' });
    expect(seen?.method).toBe('GET');
    expect(seen?.body).toBeNull();
    expect(Object.fromEntries(seen?.headers ?? [])).toEqual({ accept: 'application/json', 'x-mine': 'a' });
    client.close();
    await server.closed;
  });

  it('a POST body streams to the handler and back intact (1 MiB in odd-sized chunks)', async () => {
    const { client } = await connected(async (req) => ({ status: 200, headers: [], body: req.body }));
    const { stream, data } = countingStream(1024 * KiB, 40_000);
    const response = await client.fetch('/echo', { method: 'post', body: stream });
    expect(sameBytes(await readAll(response.body), data)).toBe(true);
    client.close();
  });

  it('text and byte bodies get a content-length', async () => {
    const heads: [string, string | undefined, string][] = [];
    const { client } = await connected(async (req) => {
      const text = new TextDecoder().decode(await readAll(req.body));
      heads.push([req.method, req.headers.find(([n]) => n === 'content-length')?.[1], text]);
      return { status: 201, headers: [], body: null };
    });
    expect((await client.fetch('/a', { method: 'PUT', body: 'héllo' })).status).toBe(201);
    expect((await client.fetch('/a', { method: 'PATCH', body: new Uint8Array([104, 105]) })).status).toBe(
      201,
    );
    expect(heads).toEqual([
      ['PUT', '6', 'héllo'],
      ['PATCH', '2', 'hi'],
    ]);
    client.close();
  });

  it('the response body streams: its first bytes are readable before the handler finished', async () => {
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let handlerDone = false;
    const { client } = await connected(async () => ({
      status: 200,
      headers: [],
      body: (async function* () {
        yield new TextEncoder().encode('first');
        await finished;
        yield new TextEncoder().encode(' last');
        handlerDone = true;
      })(),
    }));
    const response = await client.fetch('/slow');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first');
    expect(handlerDone).toBe(false);
    finish();
    const rest = await reader.read();
    expect(new TextDecoder().decode(rest.value)).toBe(' last');
    expect((await reader.read()).done).toBe(true);
    expect(handlerDone).toBe(true);
    client.close();
  });

  it('64 KiB source chunks fill whole DATA frames (not one full and one 5-byte frame per chunk)', async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => pattern(64 * KiB, i));
    const { client, lanes } = await connected(async () => ({
      status: 200,
      headers: [],
      body: (async function* () {
        yield* chunks;
      })(),
    }));
    let dataFrames = 0;
    lanes[0].onFrame((frame) => {
      if (frame[0] === 3) dataFrames++;
    });
    const body = await readAll((await client.fetch('/file')).body);
    expect(sameBytes(body, Buffer.concat(chunks))).toBe(true);
    // 640 KiB in payloads of 64 KiB − 5 bytes.
    expect(dataFrames).toBe(Math.ceil((640 * KiB) / (64 * KiB - 5)));
    client.close();
  });

  it('204, 304 and HEAD answers have a null body', async () => {
    const { client } = await connected(async (req) => ({
      status: req.path === '/n' ? 204 : req.path === '/m' ? 304 : 200,
      headers: [['content-length', '5']],
      body: new Blob(['hello']).stream(),
    }));
    expect((await client.fetch('/n')).body).toBeNull();
    expect((await client.fetch('/m')).body).toBeNull();
    const head = await client.fetch('/h', { method: 'HEAD' });
    expect(head.body).toBeNull();
    expect(head.headers.get('content-length')).toBe('5');
    expect(await (await client.fetch('/h')).text()).toBe('hello');
    client.close();
  });

  it('many streams at once (100 requests, over the 64-stream limit) each get their own bytes', async () => {
    let open = 0;
    let most = 0;
    const { client } = await connected(async (req) => {
      open++;
      most = Math.max(most, open);
      const n = Number(req.path.slice(1));
      const body = (async function* () {
        yield pattern(3000 + n, n);
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield pattern(70_000, n + 1);
        open--;
      })();
      return { status: 200, headers: [['x-n', String(n)]], body };
    });
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, n) => {
        const response = await client.fetch(`/${n}`);
        return [n, response.headers.get('x-n'), await readAll(response.body)] as const;
      }),
    );
    for (const [n, header, bytes] of results) {
      expect(header).toBe(String(n));
      expect(sameBytes(bytes.subarray(0, 3000 + n), pattern(3000 + n, n))).toBe(true);
      expect(sameBytes(bytes.subarray(3000 + n), pattern(70_000, n + 1))).toBe(true);
    }
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(64);
    client.close();
  });
});
