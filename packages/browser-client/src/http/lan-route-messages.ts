/**
 * The messages between the `/lan/` service worker and the page that holds the connections. A request
 * travels on the service-worker container (`{ lanrtc: 'lan-route', … }` plus one MessagePort); its
 * answer and the body's flow control travel on that port. The body is pull-based: the worker posts
 * `pull` when its stream wants a chunk and the page answers with exactly one `chunk` (or `done` /
 * `error`), so one chunk is in flight and a slow consumer (a paused `<video>`) slows the device.
 * Both sides are one origin's code, but the port is still decoded before use (a stale page of an
 * older version may answer).
 */

/** Version of this message set; a page and worker of different versions refuse each other. */
export const LAN_ROUTE_VERSION = 1;

/** Header list in wire order (duplicates kept). */
export type HeaderList = [string, string][];

/** Worker → page, on the container: one request, with its answer port in `ports[0]`. */
export interface LanRouteRequest {
  readonly lanrtc: 'lan-route';
  readonly version: number;
  readonly device: string;
  readonly method: string;
  /** Path and query on the device, starting with `/`. */
  readonly path: string;
  readonly headers: HeaderList;
  /** True when a `body` message follows on the port, after the page's `ack`. */
  readonly hasBody: boolean;
}

/** Page → worker, on the port. */
export type PageMessage =
  | { readonly t: 'ack' }
  | { readonly t: 'unknown-device' }
  | { readonly t: 'head'; readonly status: number; readonly statusText: string; readonly headers: HeaderList }
  | { readonly t: 'chunk'; readonly bytes: Uint8Array }
  | { readonly t: 'done' }
  | { readonly t: 'error'; readonly message: string };

/** Request body: a transferred stream where the browser can transfer one, else its bytes. */
export type LanRouteBody = ReadableStream<Uint8Array> | ArrayBuffer;

/** Worker → page, on the port. */
export type WorkerMessage =
  | { readonly t: 'body'; readonly body: LanRouteBody }
  | { readonly t: 'pull' }
  | { readonly t: 'cancel' };

/** A `Headers` as a list (without the DOM iterable typings this package compiles against). */
export function headerListOf(headers: Headers): HeaderList {
  const out: HeaderList = [];
  headers.forEach((value, name) => {
    out.push([name, value]);
  });
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function headerList(v: unknown): HeaderList | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: HeaderList = [];
  for (const h of v) {
    if (!Array.isArray(h) || h.length !== 2 || typeof h[0] !== 'string' || typeof h[1] !== 'string')
      return undefined;
    out.push([h[0], h[1]]);
  }
  return out;
}

/** The request a worker sent, or undefined when `data` is not one (another script's message). */
export function decodeLanRouteRequest(data: unknown): LanRouteRequest | undefined {
  if (!isRecord(data) || data.lanrtc !== 'lan-route' || data.version !== LAN_ROUTE_VERSION) return undefined;
  const { device, method, path, hasBody } = data;
  const headers = headerList(data.headers);
  if (typeof device !== 'string' || typeof method !== 'string' || typeof path !== 'string' || !headers)
    return undefined;
  if (!path.startsWith('/') || typeof hasBody !== 'boolean') return undefined;
  return { lanrtc: 'lan-route', version: LAN_ROUTE_VERSION, device, method, path, headers, hasBody };
}

/** A page's message on the port, or undefined when it is not one of `PageMessage`. */
export function decodePageMessage(data: unknown): PageMessage | undefined {
  if (!isRecord(data)) return undefined;
  switch (data.t) {
    case 'ack':
    case 'unknown-device':
    case 'done':
      return { t: data.t };
    case 'head': {
      const headers = headerList(data.headers);
      const { status, statusText } = data;
      if (
        !headers ||
        typeof status !== 'number' ||
        !Number.isInteger(status) ||
        typeof statusText !== 'string'
      )
        return undefined;
      return { t: 'head', status, statusText, headers };
    }
    case 'chunk':
      return data.bytes instanceof Uint8Array ? { t: 'chunk', bytes: data.bytes } : undefined;
    case 'error':
      return typeof data.message === 'string' ? { t: 'error', message: data.message } : undefined;
    default:
      return undefined;
  }
}

/** A worker's message on the port, or undefined when it is not one of `WorkerMessage`. */
export function decodeWorkerMessage(data: unknown): WorkerMessage | undefined {
  if (!isRecord(data)) return undefined;
  if (data.t === 'pull' || data.t === 'cancel') return { t: data.t };
  const { body } = data;
  if (data.t === 'body' && (body instanceof ArrayBuffer || body instanceof ReadableStream))
    return { t: 'body', body };
  return undefined;
}
