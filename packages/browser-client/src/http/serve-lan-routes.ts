/**
 * The page half of the `/lan/` bridge: the page holds the device connections, so it answers the
 * requests the service worker (`installLanRoutes`) posts, fetching each from the device the URL
 * names and handing the body back one chunk per `pull`. A `cancel` from the worker (the `<video>`
 * seeked, the element went away) aborts the device request.
 */
import type { Logger } from '@lanrtc/signal-core';
import {
  decodeLanRouteRequest,
  decodeWorkerMessage,
  headerListOf,
  type LanRouteRequest,
  type PageMessage,
  type WorkerMessage,
} from './lan-route-messages.js';
import { portInbox } from './port-inbox.js';

/** What `fetch` on a device gets: the worker's request, ready for an `HttpClient`. */
export interface LanRouteFetchInit {
  readonly method: string;
  readonly headers: [string, string][];
  readonly body: ReadableStream<Uint8Array> | Uint8Array | null;
  readonly signal: AbortSignal;
}

/** Anything that fetches a path from one device, such as an `HttpClient`. */
export interface LanRouteTarget {
  fetch(path: string, init: LanRouteFetchInit): Promise<Response>;
}

/** Options of `serveLanRoutes`. */
export interface ServeLanRoutesInit {
  /** The device behind `/lan/<device>/…`, or undefined when the page has none by that name (→ 404). */
  resolve(device: string): LanRouteTarget | undefined | Promise<LanRouteTarget | undefined>;
  readonly logger?: Logger;
}

/** A running page bridge. */
export interface LanRoutesServer {
  /** Stop answering and abort the requests in progress. */
  close(): void;
}

/** Answer the `/lan/` service worker's requests on this page until `close()`. */
export function serveLanRoutes(container: ServiceWorkerContainer, init: ServeLanRoutesInit): LanRoutesServer {
  const running = new Set<AbortController>();
  const onMessage = (event: MessageEvent) => {
    const request = decodeLanRouteRequest(event.data);
    const port = event.ports[0];
    if (!request || !port) return;
    const abort = new AbortController();
    running.add(abort);
    void serveOne(request, port, abort, init).finally(() => running.delete(abort));
  };
  container.addEventListener('message', onMessage);
  // Messages from the worker wait in the client message queue until it is started (HTML §10.2.2).
  container.startMessages();
  return {
    close() {
      container.removeEventListener('message', onMessage);
      for (const abort of running) abort.abort();
      running.clear();
    },
  };
}

async function serveOne(
  request: LanRouteRequest,
  port: MessagePort,
  abort: AbortController,
  init: ServeLanRoutesInit,
): Promise<void> {
  const inbox = portInbox<WorkerMessage>(port, decodeWorkerMessage);
  const post = (m: PageMessage, transfer: Transferable[] = []) => port.postMessage(m, transfer);
  const fail = (message: string) => {
    post({ t: 'error', message });
    inbox.close();
  };
  post({ t: 'ack' });
  let body: LanRouteFetchInit['body'] = null;
  if (request.hasBody) {
    const m = await inbox.next();
    if (m.t !== 'body') return inbox.close();
    body = m.body instanceof ArrayBuffer ? new Uint8Array(m.body) : m.body;
  }
  let response: Response;
  try {
    const target = await init.resolve(request.device);
    if (!target) {
      post({ t: 'unknown-device' });
      return inbox.close();
    }
    response = await target.fetch(request.path, {
      method: request.method,
      headers: request.headers,
      body,
      signal: abort.signal,
    });
  } catch (error) {
    // The error's name only: its message may quote what the device or the network said.
    init.logger?.debug('lan route fetch failed', {
      device: request.device,
      error: error instanceof Error ? error.name : String(error),
    });
    return fail(error instanceof Error ? error.name : 'fetch failed');
  }
  post({
    t: 'head',
    status: response.status,
    statusText: response.statusText,
    headers: headerListOf(response.headers),
  });
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const m = await inbox.next();
      if (m.t !== 'pull') {
        // cancel, a closed port (the worker went away) or nonsense: the device request stops.
        abort.abort();
        await reader?.cancel().catch(() => undefined);
        return inbox.close();
      }
      const read = reader ? await reader.read() : { done: true as const, value: undefined };
      if (read.done) {
        post({ t: 'done' });
        return inbox.close();
      }
      // A chunk may be a view into a buffer the source still uses: transfer a copy of its own.
      const { value } = read;
      const own =
        value.byteOffset === 0 &&
        value.byteLength === value.buffer.byteLength &&
        value.buffer instanceof ArrayBuffer
          ? value
          : value.slice();
      post({ t: 'chunk', bytes: own }, [own.buffer as ArrayBuffer]);
    }
  } catch (error) {
    abort.abort();
    fail(error instanceof Error ? error.name : 'read failed');
  }
}
