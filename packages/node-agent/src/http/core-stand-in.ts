/**
 * TEMPORARY: the `@lanrtc/signal-core/http` types and path check the forwarder needs, written from the
 * shared contract until the signal-core module exists on this branch; replaced by its exports then.
 */
import { LanrtcError } from '@lanrtc/signal-core';

/** Stand-in for signal-core's `HttpServerRequest`. */
export interface HttpServerRequest {
  method: string;
  path: string;
  headers: readonly (readonly [string, string])[];
  body: ReadableStream<Uint8Array> | null;
  signal: AbortSignal;
}

/** Stand-in for signal-core's `HttpServerResponse`. */
export interface HttpServerResponse {
  status: number;
  headers: readonly (readonly [string, string])[];
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
}

/** Stand-in for signal-core's `HttpHandler`. */
export type HttpHandler = (req: HttpServerRequest) => Promise<HttpServerResponse>;

/** Stand-in for signal-core's `UnsafeRequestPathError`. */
export class UnsafeRequestPathError extends LanrtcError {
  static override readonly code = 'UnsafeRequestPathError';
}

/** Stand-in for signal-core's `checkRequestPath`: origin-form only, no dot segments, no encoded separators. */
export function checkRequestPath(path: string): string {
  const bad = (why: string) => new UnsafeRequestPathError(`unsafe request path: ${why}`);
  if (typeof path !== 'string' || !path.startsWith('/')) throw bad('not origin-form');
  if (path.startsWith('//')) throw bad('starts with //');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u0020\u007f\\#]/.test(path)) throw bad('control, space, backslash or fragment');
  const q = path.indexOf('?');
  const pathname = q < 0 ? path : path.slice(0, q);
  if (/%(2f|5c|00)/i.test(pathname)) throw bad('encoded separator');
  for (const segment of pathname.split('/').slice(1)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw bad('bad percent-encoding');
    }
    if (decoded === '.' || decoded === '..') throw bad('dot segment');
  }
  if (pathname.includes('//')) throw bad('empty segment');
  return path;
}
