/**
 * The `/lan/` bridge's flow control, in Node (whose `MessageChannel`, `ReadableStream` and `Response`
 * are the web's): worker and page halves joined by a real MessagePort, the page's device a stream that
 * counts how often it is read. A consumer that reads one chunk and stops leaves the device read at
 * most one chunk ahead; reading on continues chunk by chunk to the end; cancelling the worker's body
 * aborts the device request. In Chromium the browser itself reads a service worker's stream response
 * to its end, so this is where the bridge's own one-chunk-in-flight rule is pinned down.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  installLanRoutes,
  type LanRouteClient,
  type LanRouteFetchEvent,
  type LanRoutesScope,
} from '../../src/http/lan-routes-worker.js';
import { type LanRouteFetchInit, serveLanRoutes } from '../../src/http/serve-lan-routes.js';

const CHUNK = 64 * 1024;

/** Worker and page of one origin, wired as the browser wires them; `get` runs a fetch event. */
function bridge(chunks: number) {
  const device = { pulls: 0, cancelled: false, signal: undefined as AbortSignal | undefined };
  const container = Object.assign(new EventTarget(), { startMessages() {} });
  const page = serveLanRoutes(container as unknown as ServiceWorkerContainer, {
    resolve: (name) =>
      name === 'dev'
        ? {
            async fetch(_path: string, init: LanRouteFetchInit) {
              device.signal = init.signal;
              const body = new ReadableStream<Uint8Array>(
                {
                  pull(controller) {
                    device.pulls++;
                    controller.enqueue(new Uint8Array(CHUNK).fill(device.pulls));
                    if (device.pulls === chunks) controller.close();
                  },
                  cancel() {
                    device.cancelled = true;
                  },
                },
                { highWaterMark: 0 },
              );
              return new Response(body, { status: 200 });
            },
          }
        : undefined,
  });
  const client: LanRouteClient = {
    id: 'page',
    type: 'window',
    postMessage(data, transfer) {
      container.dispatchEvent(new MessageEvent('message', { data, ports: transfer as MessagePort[] }));
    },
  };
  let onFetch: ((e: LanRouteFetchEvent) => void) | undefined;
  const scope: LanRoutesScope = {
    location: { origin: 'http://localhost' },
    clients: { get: async () => client, matchAll: async () => [client] },
    addEventListener: (_type, l) => {
      onFetch = l;
    },
    removeEventListener: () => undefined,
  };
  installLanRoutes(scope);
  const get = (path: string) =>
    new Promise<Response>((resolve) =>
      onFetch?.({
        request: new Request(`http://localhost${path}`),
        clientId: 'page',
        respondWith: (r) => void r.then(resolve),
      }),
    );
  return { device, get, close: () => page.close() };
}

/** Let every message and stream step that can run, run. */
const settle = () => sleep(50);

describe('/lan/ bridge flow control', () => {
  it('reads the device one chunk per pull: a reader that stops holds the device back', async () => {
    const { device, get, close } = bridge(64);
    const response = await get('/lan/dev/big');
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    const first = await reader.read();
    expect(first.value?.[0]).toBe(1);
    await settle();
    expect(device.pulls).toBeLessThanOrEqual(2);
    let bytes = first.value?.byteLength ?? 0;
    let chunks = 1;
    for (;;) {
      const c = await reader.read();
      if (c.done) break;
      chunks++;
      bytes += c.value.byteLength;
      expect(c.value[0]).toBe(chunks);
      // Each read lets the device be read once more, never further ahead.
      expect(device.pulls).toBeLessThanOrEqual(chunks + 1);
    }
    expect({ chunks, bytes, pulls: device.pulls }).toEqual({ chunks: 64, bytes: 64 * CHUNK, pulls: 64 });
    close();
  });

  it('cancelling the body aborts the device request', async () => {
    const { device, get, close } = bridge(64);
    const response = await get('/lan/dev/big');
    const reader = response.body?.getReader();
    await reader?.read();
    await reader?.cancel();
    await expect.poll(() => device.signal?.aborted).toBe(true);
    await expect.poll(() => device.cancelled).toBe(true);
    expect(device.pulls).toBeLessThanOrEqual(2);
    close();
  });
});
