/**
 * The WHATWG types the HTTP engines hand out and accept (`ReadableStream`, `Response`, `Headers`,
 * `AbortSignal`). signal-core compiles with neither DOM nor Node types, so each public type is the
 * platform's own where the program that imports it has one (a browser's DOM, Node's globals) and the
 * small structural part the engines use otherwise; @types/node resolves its web globals the same way.
 */
import type { AbortSignalLike } from '../encoding/abort.js';

type Global = typeof globalThis;

/** The part of a `ReadableStreamDefaultReader` the engines use. */
export interface ByteReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}

/** The part of a `ReadableStream<Uint8Array>` the engines use. */
export interface ByteStreamLike {
  readonly locked: boolean;
  getReader(): ByteReaderLike;
  cancel(reason?: unknown): Promise<void>;
}

/** The part of a `ReadableStreamDefaultController` the engines use. */
export interface ByteStreamController {
  enqueue(chunk: Uint8Array): void;
  close(): void;
  error(reason: unknown): void;
}

/** The part of `Headers` the engines use. */
export interface HeadersLike {
  append(name: string, value: string): void;
  forEach(callback: (value: string, name: string) => void): void;
}

/** The part of `Response` that exists everywhere. */
export interface ResponseLike {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: HeadersLike;
  readonly body: ByteStreamLike | null;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** A `ReadableStream` of bytes: the platform's type where it has one. */
export type HttpBodyStream = Global extends { ReadableStream: { prototype: infer S } } ? S : ByteStreamLike;

/** A WHATWG `Response`: the platform's type where it has one. */
export type HttpResponse = Global extends { Response: { prototype: infer R } } ? R : ResponseLike;

/** An `AbortSignal`: the platform's type where it has one. */
export type HttpAbortSignal = Global extends { AbortSignal: { prototype: infer S } } ? S : AbortSignalLike;

/** What `new Headers(init)` accepts: the platform's `HeadersInit` where it has one. */
export type HttpHeadersInit =
  | (Global extends { Headers: { new (init: infer I): unknown } } ? I : never)
  | readonly (readonly [string, string])[]
  | Readonly<Record<string, string>>;

interface WebGlobals {
  ReadableStream: new (
    source: {
      start?(controller: ByteStreamController): void;
      pull?(controller: ByteStreamController): Promise<void> | void;
      cancel?(reason: unknown): Promise<void> | void;
    },
    strategy?: { highWaterMark: number },
  ) => ByteStreamLike;
  Response: new (body: ByteStreamLike | null, init: { status: number; headers: HeadersLike }) => ResponseLike;
  Headers: new (init?: unknown) => HeadersLike;
  AbortController: new () => { readonly signal: AbortSignalLike; abort(reason?: unknown): void };
}

/** The runtime's WHATWG constructors (Node 20+ and browsers have all of them). */
export const web = globalThis as unknown as WebGlobals;
