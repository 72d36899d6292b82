/**
 * The test app's page: registers the service worker and (unless `?serve=0`) answers its `/lan/`
 * requests with a stand-in device per name: `legacy` fetches `/upstream<path>` from the page's own
 * origin (the test server) and counts the body bytes the page has read from it; `down` fetches a
 * port where nothing listens. Steps for the test sit on `globalThis.lanRoutes`.
 */
import { type LanRouteFetchInit, type LanRouteTarget, serveLanRoutes } from '@lanrtc/browser-client';
import { mediaSteps, registerWorker } from './steps.js';

const upstreamRead = { bytes: 0 };

/** The page's own fetch, with the request body made a Blob (a streaming upload needs HTTP/2). */
async function pageFetch(url: string, init: LanRouteFetchInit): Promise<Response> {
  const body = init.body === null ? null : await new Response(init.body as unknown as BodyInit).blob();
  return fetch(url, { method: init.method, headers: init.headers, body, signal: init.signal });
}

const legacy: LanRouteTarget = {
  async fetch(path, init) {
    const response = await pageFetch(`/upstream${path}`, init);
    if (!response.body) return response;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          upstreamRead.bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
      // No buffer of its own: the count is what the bridge pulled.
    );
    return new Response(counted, response);
  },
};
const down: LanRouteTarget = { fetch: (path, init) => pageFetch(`http://127.0.0.1:9${path}`, init) };

async function start(): Promise<void> {
  await registerWorker();
  if (new URLSearchParams(location.search).get('serve') !== '0')
    serveLanRoutes(navigator.serviceWorker, { resolve: (d) => ({ legacy, down })[d] });
}

const api = {
  upstreamRead: () => upstreamRead.bytes,
  ...mediaSteps,
  /** Start a fetch and read one chunk, then stop reading (a slow consumer). */
  readOne(url: string) {
    upstreamRead.bytes = 0;
    return mediaSteps.readOne(url);
  },
  /** Click a plain link (Chromium never passes an `<a download>` request to a service worker). */
  download(href: string) {
    const a = document.createElement('a');
    a.href = href;
    document.body.append(a);
    a.click();
    a.remove();
  },
};
(globalThis as unknown as { lanRoutes: typeof api }).lanRoutes = api;
export type LanRoutesPage = typeof api;
await start();
(globalThis as unknown as { lanRoutesReady: boolean }).lanRoutesReady = true;
