/**
 * The service-worker half of the `/lan/` bridge, for the app's own service worker script:
 * `installLanRoutes(self)` answers every fetch under `/lan/<device>/<path>` on the worker's origin
 * (an `<img src>`, a `<video src>`, an `<a download>`, a `fetch`) from the page that holds the
 * connection to `<device>`. A service worker cannot hold an `RTCDataChannel` (Chromium transfers one
 * only to a dedicated worker), so it asks the page over a MessagePort and streams the answer with a
 * pull-based `ReadableStream`: one chunk in flight, so a slow consumer slows the device. `Range` and
 * the other request headers pass through; the device's `206` and `content-range` come back as they
 * are, which is what lets a `<video>` seek. This module imports nothing from the page side.
 */
import {
  decodePageMessage,
  headerListOf,
  LAN_ROUTE_VERSION,
  type LanRouteRequest,
  type PageMessage,
  type WorkerMessage,
} from './lan-route-messages.js';
import { type InboxEnd, type PortInbox, portInbox } from './port-inbox.js';

/** URL path prefix the worker answers by default. */
export const DEFAULT_LAN_ROUTE_PREFIX = '/lan/';
/** How long a controlled page has to acknowledge a request before the next one is asked (or 503). */
export const LAN_ROUTE_ACK_TIMEOUT_MS = 3_000;

/**
 * Query parameter that makes the worker answer as a download (`content-disposition: attachment`,
 * RFC 6266 §4) under the name it holds (empty: the path's last segment); it is not forwarded.
 * Chromium never hands an `<a download>` request to a service worker, so a download through the
 * bridge is a plain link (or navigation) carrying this parameter.
 */
export const LAN_ROUTE_DOWNLOAD_PARAM = 'lanrtc-download';

/** The part of a `FetchEvent` the bridge uses (the DOM library has no service-worker types). */
export interface LanRouteFetchEvent {
  readonly request: Request;
  readonly clientId: string;
  respondWith(response: Promise<Response>): void;
}

/** A window client the worker can post to. */
export interface LanRouteClient {
  readonly id: string;
  readonly type: string;
  /** The client's document URL (`WindowClient.url`). */
  readonly url?: string;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/** The part of `ServiceWorkerGlobalScope` the bridge uses; pass the worker's `self`. */
export interface LanRoutesScope {
  readonly location: { readonly origin: string };
  readonly clients: {
    get(id: string): Promise<LanRouteClient | undefined>;
    matchAll(options: { type: 'window' }): Promise<readonly LanRouteClient[]>;
  };
  addEventListener(type: 'fetch', listener: (event: LanRouteFetchEvent) => void): void;
  removeEventListener(type: 'fetch', listener: (event: LanRouteFetchEvent) => void): void;
}

/** Options of `installLanRoutes`. */
export interface LanRoutesInit {
  /** Path prefix answered, with leading and trailing slash (default `/lan/`). */
  readonly prefix?: string;
  /** Milliseconds a page has to acknowledge a request (default `LAN_ROUTE_ACK_TIMEOUT_MS`). */
  readonly ackTimeoutMs?: number;
}

/** A `text/plain` answer the worker makes itself: the body says what went wrong, for a person. */
function textResponse(status: number, text: string): Response {
  return new Response(`${text}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** Statuses whose response has no body (Fetch §2.2.3 null body status), which `Response` refuses one for. */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

let streamTransfer: boolean | undefined;
/** Whether this browser can transfer a `ReadableStream` in `postMessage` (Streams §6.3 transfer). */
function canTransferStreams(): boolean {
  if (streamTransfer === undefined) {
    const probe = new ReadableStream();
    const { port1 } = new MessageChannel();
    try {
      port1.postMessage(probe, [probe as unknown as Transferable]);
      streamTransfer = true;
    } catch {
      streamTransfer = false;
    }
    port1.close();
  }
  return streamTransfer;
}

/** Answer fetches under `prefix` from the page holding the device's connection; returns the uninstaller. */
export function installLanRoutes(scope: LanRoutesScope, init: LanRoutesInit = {}): () => void {
  const prefix = init.prefix ?? DEFAULT_LAN_ROUTE_PREFIX;
  if (!prefix.startsWith('/') || !prefix.endsWith('/'))
    throw new TypeError('prefix must start and end with "/"');
  const ackTimeoutMs = init.ackTimeoutMs ?? LAN_ROUTE_ACK_TIMEOUT_MS;

  const onFetch = (event: LanRouteFetchEvent) => {
    const url = new URL(event.request.url);
    if (url.origin !== scope.location.origin || !url.pathname.startsWith(prefix)) return;
    event.respondWith(
      answer(event, url).catch((error: unknown) =>
        textResponse(502, `lanrtc: the bridge failed: ${error instanceof Error ? error.name : 'error'}`),
      ),
    );
  };

  /** The window clients to ask, the requesting one first (a navigation or download has none). */
  async function candidates(clientId: string): Promise<LanRouteClient[]> {
    // A document the bridge itself served (a device's page in an iframe) never holds a connection:
    // asking it would only cost an acknowledgement timeout per request it makes.
    const windows = (await scope.clients.matchAll({ type: 'window' })).filter(
      (c) => c.url === undefined || !servedByBridge(c.url),
    );
    const own = clientId ? windows.find((c) => c.id === clientId) : undefined;
    return own ? [own, ...windows.filter((c) => c !== own)] : windows;
  }

  function servedByBridge(clientUrl: string): boolean {
    try {
      const u = new URL(clientUrl);
      return u.origin === scope.location.origin && u.pathname.startsWith(prefix);
    } catch {
      return false;
    }
  }

  async function answer(event: LanRouteFetchEvent, url: URL): Promise<Response> {
    const rest = url.pathname.slice(prefix.length);
    const slash = rest.indexOf('/');
    let device: string;
    try {
      device = decodeURIComponent(slash === -1 ? rest : rest.slice(0, slash));
    } catch {
      return textResponse(404, 'lanrtc: the device name in this URL is not valid percent-encoding');
    }
    if (!device) return textResponse(404, `lanrtc: no device named; use ${prefix}<device>/<path>`);
    const { request } = event;
    const download = url.searchParams.get(LAN_ROUTE_DOWNLOAD_PARAM);
    if (download !== null) url.searchParams.delete(LAN_ROUTE_DOWNLOAD_PARAM);
    const message: LanRouteRequest = {
      lanrtc: 'lan-route',
      version: LAN_ROUTE_VERSION,
      device,
      method: request.method,
      path: (slash === -1 ? '/' : rest.slice(slash)) + url.search,
      headers: headerListOf(request.headers),
      hasBody: request.body !== null && request.method !== 'GET' && request.method !== 'HEAD',
    };
    for (const client of await candidates(event.clientId)) {
      const channel = new MessageChannel();
      const inbox = portInbox<PageMessage>(channel.port1, decodePageMessage);
      client.postMessage(message, [channel.port2]);
      const ack = await inbox.next(ackTimeoutMs);
      if (ack.t !== 'ack') {
        inbox.close();
        continue;
      }
      if (message.hasBody) await sendBody(channel.port1, request);
      const response = await respond(inbox, channel.port1, device);
      if (download !== null && response.ok) {
        const name = download || message.path.split('?')[0]?.split('/').pop() || 'download';
        // RFC 6266 §4.3 with the RFC 8187 encoding, so any name survives.
        response.headers.set(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
        );
      }
      return response;
    }
    return textResponse(
      503,
      `lanrtc: no open page of this app serves ${prefix} routes (open the app, which holds the device connections)`,
    );
  }

  scope.addEventListener('fetch', onFetch);
  return () => scope.removeEventListener('fetch', onFetch);
}

/** Hand the request body to the page: the stream itself where it transfers, else its bytes. */
async function sendBody(port: MessagePort, request: Request): Promise<void> {
  const post = (m: WorkerMessage, transfer: Transferable[]) => port.postMessage(m, transfer);
  const { body } = request;
  if (body && canTransferStreams()) post({ t: 'body', body }, [body as unknown as Transferable]);
  else {
    const bytes = await request.arrayBuffer();
    post({ t: 'body', body: bytes }, [bytes]);
  }
}

/** Turn the page's answer into the Response, streaming its body one pulled chunk at a time. */
async function respond(inbox: PortInbox<PageMessage>, port: MessagePort, device: string): Promise<Response> {
  const post = (m: WorkerMessage) => port.postMessage(m);
  const failed = (why: string) => {
    inbox.close();
    return textResponse(502, `lanrtc: the request to device "${device}" failed: ${why}`);
  };
  const head = await inbox.next();
  if (head.t === 'unknown-device') {
    inbox.close();
    return textResponse(404, `lanrtc: this page has no connection to a device named "${device}"`);
  }
  if (head.t === 'error') return failed(head.message);
  if (head.t !== 'head') return failed(endReason(head));
  if (head.status < 200 || head.status > 599) return failed(`status ${head.status} cannot be answered`);
  let headers: Headers;
  try {
    headers = new Headers(head.headers);
  } catch {
    return failed('the device sent a header the browser refuses');
  }
  const init = { status: head.status, statusText: head.statusText, headers };
  if (NULL_BODY_STATUS.has(head.status)) {
    post({ t: 'cancel' });
    inbox.close();
    return new Response(null, init);
  }
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        post({ t: 'pull' });
        const m = await inbox.next();
        if (m.t === 'chunk') controller.enqueue(m.bytes);
        else if (m.t === 'done') {
          inbox.close();
          controller.close();
        } else {
          inbox.close();
          controller.error(new TypeError(`lanrtc: body from device "${device}" broke off: ${reasonOf(m)}`));
        }
      },
      cancel() {
        post({ t: 'cancel' });
        inbox.close();
      },
    },
    // No read-ahead: a chunk is asked for only when the browser reads one.
    { highWaterMark: 0 },
  );
  return new Response(body, init);
}

function endReason(m: PageMessage | InboxEnd): string {
  if (m.t === 'closed') return 'the page went away';
  if (m.t === 'timeout') return 'the page did not answer';
  return 'the page sent an unexpected message';
}

function reasonOf(m: PageMessage | InboxEnd): string {
  return m.t === 'error' ? m.message : endReason(m);
}
