/**
 * exposeHttp / openHttpClient between two Node agents on a real direct connection (werift ICE, DTLS,
 * SCTP) in the private network namespace, in front of a plain node:http server: JSON, a ranged
 * request, eight ranged requests at once, a 600 kB upload echoed, an ungranted path (403), abort reaching the upstream, smuggling attempts sent as raw
 * frames that never reach a second server, and a peer revoked mid-connection (GOAWAY not-allowed,
 * connection closed).
 */
import { setGrant } from '@lanrtc/signal-core';
import {
  decodeHttpFrame,
  encodeHttpFrame,
  HTTP_CHANNEL_LABEL,
  type HttpClient,
  type HttpFrame,
} from '@lanrtc/signal-core/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectDirect,
  createDirectListener,
  exposeHttp,
  type HttpExposure,
  type HttpRequestRecord,
  type NodeConnection,
  openHttpClient,
  weriftDataChannelLane,
} from '../../src/index.js';
import { HOST, owned, type Party, pairParties, party } from '../direct/support.js';
import { IN_NETNS } from '../peer/pair.js';
import { startUpstream, type Upstream } from './upstream.js';

const MB = 1_000_000;
const { own, defer, closeAll } = owned();
let target: Upstream;
let other: Upstream;
let page: Party;
let device: Party;
let client: NodeConnection;
let served: NodeConnection;
let exposure: HttpExposure;
let http: HttpClient;
const records: HttpRequestRecord[] = [];

describe.skipIf(!IN_NETNS)('exposeHttp / openHttpClient (netns)', () => {
  beforeAll(async () => {
    [target, other] = [await startUpstream(), await startUpstream()];
    defer(() => target.close());
    defer(() => other.close());
    [page, device] = [await party(), await party()];
    await pairParties(page, device);
    await setGrant(device.trust, page.identity.id, {
      scope: 'http:web',
      actions: ['/api', '/file', '/big', '/echo'],
    });
    const listener = own(
      await createDirectListener({ ...device, name: 'device', addresses: [HOST], port: 0 }),
    );
    const incoming = new Promise<NodeConnection>((resolve) => listener.onConnection(resolve));
    client = own(await connectDirect(listener.card(), { ...page, peer: { interfaceAddresses: [HOST] } }));
    served = own(await incoming);
    exposure = exposeHttp(served, {
      target: target.origin,
      trust: device.trust,
      onRequest: (r) => records.push(r),
    });
    defer(async () => exposure.close());
    http = await openHttpClient(client);
    defer(async () => http.close());
  }, 30_000);
  afterAll(closeAll);

  it('fetches JSON through the connection, with host set to the target', async () => {
    const response = await http.fetch('/api/data?x=1');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ url: '/api/data?x=1', host: `127.0.0.1:${target.port}` });
    const record = records.find((r) => r.path === '/api/data?x=1');
    expect(record).toMatchObject({ method: 'GET', status: 200, outcome: 'complete', peer: { name: 'a' } });
    expect(record?.bytes).toBeGreaterThan(10);
  });

  it('passes a ranged request through: 206 and content-range', async () => {
    const response = await http.fetch('/file', { headers: { range: 'bytes=100-299' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 100-299/${target.file.length}`);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(target.file.subarray(100, 300));
  });

  it('carries many requests at once, each body intact', async () => {
    const slice = 128 * 1024;
    const ranges = Array.from({ length: 8 }, (_, i) => [i * slice, (i + 1) * slice - 1] as const);
    const responses = await Promise.all(
      ranges.map(([from, to]) => http.fetch('/file', { headers: { range: `bytes=${from}-${to}` } })),
    );
    for (const [i, response] of responses.entries()) {
      const [from, to] = ranges[i] as readonly [number, number];
      expect(response.status).toBe(206);
      // Buffer.equals: vitest's toEqual walks a large array element by element (seconds per MiB).
      const got = Buffer.from(await response.arrayBuffer());
      expect(got.equals(target.file.subarray(from, to + 1))).toBe(true);
    }
  });

  it('streams a request body to the target and its echo back', async () => {
    // Past the 256 KiB initial credit, so the upload needs WINDOW frames from the device.
    const body = new Uint8Array(600_000).map((_, i) => i % 251);
    const response = await http.fetch('/echo', { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
  });

  it('answers 403 for a path outside the grant, and the target sees nothing', async () => {
    const before = target.seen.length;
    for (const path of ['/private/x', '/apix', '/']) {
      const response = await http.fetch(path);
      expect(response.status, path).toBe(403);
      expect(await response.text()).toMatch(/no http:web grant/);
    }
    expect(target.seen.length).toBe(before);
  });

  it('aborting a download closes the upstream request', async () => {
    const abort = new AbortController();
    const before = target.seen.length;
    const response = await http.fetch(`/big?size=${20 * MB}&stallAfter=${MB}`, { signal: abort.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    abort.abort();
    await target.seen[before]?.closed;
    expect(target.seen[before]?.aborted).toBe(true);
  });

  it('smuggling attempts in raw frames never reach another server nor an ungranted path', async () => {
    const lane = weriftDataChannelLane(client.peer.createDataChannel(HTTP_CHANNEL_LABEL));
    const frames: HttpFrame[] = [];
    let notify: () => void = () => {};
    lane.onFrame((bytes) => {
      frames.push(decodeHttpFrame(bytes));
      notify();
    });
    const next = async (match: (f: HttpFrame) => boolean): Promise<HttpFrame> => {
      for (;;) {
        const found = frames.find(match);
        if (found) return found;
        await new Promise<void>((resolve) => {
          notify = resolve;
        });
      }
    };
    await lane.write(encodeHttpFrame({ type: 'hello', stream: 0, version: 1, service: 'web' }));
    await next((f) => f.type === 'hello');
    const otherHost = `127.0.0.1:${other.port}`;
    const attempts: { path: string; headers?: [string, string][] }[] = [
      { path: `http://${otherHost}/api/x` },
      { path: `//${otherHost}/api/x` },
      { path: '/api/../secret' },
      { path: '/api/%2e%2e/secret' },
      { path: '/api/..%2fsecret' },
      { path: '/api\\..\\secret' },
      { path: '/api/x', headers: [['host', otherHost]] },
    ];
    const before = target.seen.length;
    for (const [i, attempt] of attempts.entries()) {
      const stream = i + 1;
      await lane.write(
        encodeHttpFrame({
          type: 'request',
          stream,
          end: true,
          method: 'GET',
          path: attempt.path,
          headers: attempt.headers ?? [],
        }),
      );
      const answer = await next((f) => f.stream === stream && (f.type === 'response' || f.type === 'reset'));
      if (answer.type === 'response') expect(answer.status, attempt.path).toBeGreaterThanOrEqual(200);
    }
    lane.close();
    expect(other.seen).toEqual([]);
    for (const seen of target.seen.slice(before)) {
      expect(seen.url).toBe('/api/x');
      expect(seen.headers.host).toBe(`127.0.0.1:${target.port}`);
    }
  });

  it('a peer revoked mid-connection gets GOAWAY not-allowed and its connection is closed', async () => {
    expect((await http.fetch('/api/still')).status).toBe(200);
    await device.trust.delete(page.identity.id);
    const refused = await http.fetch('/api/after').then(
      () => undefined,
      (error: Error & { code?: string }) => error,
    );
    expect(refused?.name).toBe('HttpServiceRefusedError');
    expect(refused?.code).toBe('not-allowed');
    expect(await client.ended).toBe('peer-closed');
    expect(target.seen.some((s) => s.url === '/api/after')).toBe(false);
  });
});
