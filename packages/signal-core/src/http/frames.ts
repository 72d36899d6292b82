/**
 * The HTTP channel's frame codec: every frame is `u8 type ‖ u32 stream (big-endian) ‖ payload`
 * (docs/PROTOCOL.md, "HTTP over the connection"). Decoding is validating: a frame that is truncated,
 * has trailing bytes, an unknown type or code, a field past its limit, a header name or value that is
 * not allowed, or a stream id the type does not allow throws `MalformedInputError` naming the field.
 * A HELLO of another version throws `UnsupportedVersionError` (the server answers it with GOAWAY).
 */
import { fromUtf8, utf8 } from '../encoding/bytes.js';
import { ByteReader } from '../encoding/reader.js';
import { InvalidArgumentError, MalformedInputError, UnsupportedVersionError } from '../errors.js';
import {
  HTTP_FRAME_HEADER_BYTES,
  HTTP_MAX_DETAIL_BYTES,
  HTTP_MAX_HEAD_BYTES,
  HTTP_MAX_HEADERS,
  HTTP_MAX_WINDOW_BYTES,
  HTTP_PROTOCOL_VERSION,
} from './constants.js';
import { type HttpHeaderList, isHeaderName, isHeaderValue, isMethod, isServiceName } from './headers.js';

/** Frame type codes (the first byte). */
export const HttpFrameType = {
  hello: 0,
  request: 1,
  response: 2,
  data: 3,
  end: 4,
  reset: 5,
  window: 6,
  goaway: 7,
} as const;

/** RESET codes; the code byte is the index. */
export const HTTP_RESET_CODES = [
  'cancel',
  'refused',
  'internal',
  'protocol',
  'too-large',
  'upstream-failed',
] as const;

/** Why a stream was reset. */
export type HttpResetCode = (typeof HTTP_RESET_CODES)[number];

/** GOAWAY codes; the code byte is the index. */
export const HTTP_GOAWAY_CODES = [
  'closing',
  'unsupported-version',
  'unknown-service',
  'not-allowed',
  'protocol',
] as const;

/** Why the server ends the channel. */
export type HttpGoawayCode = (typeof HTTP_GOAWAY_CODES)[number];

/** A decoded HTTP channel frame. */
export type HttpFrame =
  | { readonly type: 'hello'; readonly stream: 0; readonly version: number; readonly service: string }
  | {
      readonly type: 'request';
      readonly stream: number;
      readonly end: boolean;
      readonly method: string;
      readonly path: string;
      readonly headers: HttpHeaderList;
    }
  | {
      readonly type: 'response';
      readonly stream: number;
      readonly end: boolean;
      readonly status: number;
      readonly headers: HttpHeaderList;
    }
  | { readonly type: 'data'; readonly stream: number; readonly bytes: Uint8Array }
  | { readonly type: 'end'; readonly stream: number }
  | { readonly type: 'reset'; readonly stream: number; readonly code: HttpResetCode }
  | { readonly type: 'window'; readonly stream: number; readonly increment: number }
  | { readonly type: 'goaway'; readonly stream: 0; readonly code: HttpGoawayCode; readonly detail: string };

const END_FLAG = 0x01;
const MAX_STREAM = 0xffffffff;

/** Big-endian writer of the few field kinds the HTTP frames use. */
class FrameWriter {
  readonly #parts: number[] = [];
  readonly #chunks: Uint8Array[] = [];
  #length = 0;

  #flush(): void {
    if (this.#parts.length === 0) return;
    this.#chunks.push(Uint8Array.from(this.#parts));
    this.#length += this.#parts.length;
    this.#parts.length = 0;
  }
  u8(v: number): this {
    this.#parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.u16(v >>> 16).u16(v & 0xffff);
  }
  raw(bytes: Uint8Array): this {
    this.#flush();
    this.#chunks.push(bytes);
    this.#length += bytes.length;
    return this;
  }
  str8(text: string, field: string): this {
    const bytes = utf8(text);
    if (bytes.length > 0xff) throw new InvalidArgumentError(`${field} longer than 255 bytes`);
    return this.u8(bytes.length).raw(bytes);
  }
  str16(text: string, field: string, max = 0xffff): this {
    const bytes = utf8(text);
    if (bytes.length > max) throw new InvalidArgumentError(`${field} longer than ${max} bytes`);
    return this.u16(bytes.length).raw(bytes);
  }
  finish(): Uint8Array {
    this.#flush();
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

function assertStream(stream: number, zero: boolean): void {
  if (!Number.isInteger(stream) || stream < 0 || stream > MAX_STREAM)
    throw new InvalidArgumentError('stream id out of range');
  if (zero !== (stream === 0))
    throw new InvalidArgumentError(zero ? 'channel frame on a stream' : 'stream frame on stream 0');
}

function writeHeaders(w: FrameWriter, headers: HttpHeaderList): void {
  if (headers.length > HTTP_MAX_HEADERS) throw new InvalidArgumentError('too many headers');
  w.u16(headers.length);
  for (const [name, value] of headers) {
    if (!isHeaderName(name)) throw new InvalidArgumentError('header name is not a lowercase token');
    if (!isHeaderValue(value)) throw new InvalidArgumentError('header value has CR, LF or NUL');
    w.str8(name, 'header name').str16(value, 'header value');
  }
}

const start = (type: number, stream: number) => new FrameWriter().u8(type).u32(stream);

/** The five bytes before a DATA frame's payload. */
export function encodeDataHeader(stream: number): Uint8Array {
  assertStream(stream, false);
  return start(HttpFrameType.data, stream).finish();
}

/** Encode one frame; a field out of range or a header that is not allowed throws `InvalidArgumentError`. */
export function encodeHttpFrame(frame: HttpFrame): Uint8Array {
  assertStream(frame.stream, frame.type === 'hello' || frame.type === 'goaway');
  switch (frame.type) {
    case 'hello':
      if (!isServiceName(frame.service)) throw new InvalidArgumentError('service name not allowed');
      return start(HttpFrameType.hello, 0).u8(frame.version).str16(frame.service, 'service').finish();
    case 'request': {
      if (!isMethod(frame.method)) throw new InvalidArgumentError('method is not a token');
      if (frame.path.length === 0) throw new InvalidArgumentError('empty path');
      const w = start(HttpFrameType.request, frame.stream).u8(frame.end ? END_FLAG : 0);
      w.str8(frame.method, 'method').str16(frame.path, 'path');
      writeHeaders(w, frame.headers);
      return checkHead(w.finish());
    }
    case 'response': {
      if (!Number.isInteger(frame.status) || frame.status < 100 || frame.status > 999)
        throw new InvalidArgumentError('status out of range');
      const w = start(HttpFrameType.response, frame.stream)
        .u8(frame.end ? END_FLAG : 0)
        .u16(frame.status);
      writeHeaders(w, frame.headers);
      return checkHead(w.finish());
    }
    case 'data':
      if (frame.bytes.length === 0) throw new InvalidArgumentError('empty DATA frame');
      return start(HttpFrameType.data, frame.stream).raw(frame.bytes).finish();
    case 'end':
      return start(HttpFrameType.end, frame.stream).finish();
    case 'reset':
      return start(HttpFrameType.reset, frame.stream).u8(codeOf(HTTP_RESET_CODES, frame.code)).finish();
    case 'window':
      if (
        !Number.isInteger(frame.increment) ||
        frame.increment < 1 ||
        frame.increment > HTTP_MAX_WINDOW_BYTES
      )
        throw new InvalidArgumentError('window increment out of range');
      return start(HttpFrameType.window, frame.stream).u32(frame.increment).finish();
    case 'goaway':
      return start(HttpFrameType.goaway, 0)
        .u8(codeOf(HTTP_GOAWAY_CODES, frame.code))
        .str16(shorten(frame.detail), 'detail', HTTP_MAX_DETAIL_BYTES)
        .finish();
  }
}

function checkHead(bytes: Uint8Array): Uint8Array {
  if (bytes.length > HTTP_MAX_HEAD_BYTES)
    throw new InvalidArgumentError('request or response head over 64 KiB');
  return bytes;
}

function codeOf(codes: readonly string[], code: string): number {
  const index = codes.indexOf(code);
  if (index < 0) throw new InvalidArgumentError('unknown code');
  return index;
}

function shorten(text: string): string {
  // A text for a person; cut by code points so it fits, never mid-character.
  let out = text;
  while (utf8(out).length > HTTP_MAX_DETAIL_BYTES) out = [...out].slice(0, -1).join('');
  return out;
}

const u16 = (r: ByteReader, field: string) => (r.u8(field) << 8) | r.u8(field);
const u32 = (r: ByteReader, field: string) => u16(r, field) * 0x10000 + u16(r, field);

// u8/u16 length prefixes (ByteReader's strings are varint-prefixed); `fromUtf8` is strict, so
// invalid UTF-8 is an error rather than U+FFFD.
function str(r: ByteReader, field: string, length: number): string {
  const bytes = r.raw(field, length);
  try {
    return fromUtf8(bytes);
  } catch (cause) {
    throw new MalformedInputError(`invalid UTF-8: ${field}`, { cause });
  }
}

function readHeaders(r: ByteReader): HttpHeaderList {
  const count = u16(r, 'header count');
  if (count > HTTP_MAX_HEADERS) throw new MalformedInputError('too many headers');
  const headers: (readonly [string, string])[] = [];
  for (let i = 0; i < count; i++) {
    const name = str(r, 'header name', r.u8('header name'));
    if (!isHeaderName(name)) throw new MalformedInputError('header name is not a lowercase token');
    const value = str(r, 'header value', u16(r, 'header value'));
    if (!isHeaderValue(value)) throw new MalformedInputError('header value has CR, LF or NUL');
    headers.push([name, value]);
  }
  return headers;
}

function streamFor(type: string, stream: number, zero: boolean): number {
  if (zero !== (stream === 0))
    throw new MalformedInputError(zero ? `${type} on a stream` : `${type} on stream 0`);
  return stream;
}

/** Decode one frame; throws `MalformedInputError` (or `UnsupportedVersionError` for another HELLO version). */
export function decodeHttpFrame(bytes: Uint8Array): HttpFrame {
  const r = new ByteReader(bytes);
  const type = r.u8('frame type');
  const stream = u32(r, 'stream id');
  let frame: HttpFrame;
  switch (type) {
    case HttpFrameType.hello: {
      streamFor('HELLO', stream, true);
      const version = r.u8('version');
      if (version !== HTTP_PROTOCOL_VERSION)
        throw new UnsupportedVersionError(
          `HTTP channel version ${version} (this build speaks ${HTTP_PROTOCOL_VERSION})`,
        );
      const service = str(r, 'service', u16(r, 'service'));
      if (!isServiceName(service)) throw new MalformedInputError('service name not allowed');
      frame = { type: 'hello', stream: 0, version, service };
      break;
    }
    case HttpFrameType.request: {
      if (bytes.length > HTTP_MAX_HEAD_BYTES) throw new MalformedInputError('request head over 64 KiB');
      streamFor('REQUEST', stream, false);
      const end = flags(r);
      const method = str(r, 'method', r.u8('method'));
      if (!isMethod(method)) throw new MalformedInputError('method is not a token');
      const path = str(r, 'path', u16(r, 'path'));
      if (path.length === 0) throw new MalformedInputError('empty path');
      frame = { type: 'request', stream, end, method, path, headers: readHeaders(r) };
      break;
    }
    case HttpFrameType.response: {
      if (bytes.length > HTTP_MAX_HEAD_BYTES) throw new MalformedInputError('response head over 64 KiB');
      streamFor('RESPONSE', stream, false);
      const end = flags(r);
      const status = u16(r, 'status');
      if (status < 100 || status > 999) throw new MalformedInputError('status out of range');
      frame = { type: 'response', stream, end, status, headers: readHeaders(r) };
      break;
    }
    case HttpFrameType.data: {
      streamFor('DATA', stream, false);
      // A view, not a copy: a lane hands each frame over for good (`TransferLane.onFrame`).
      const data = bytes.subarray(HTTP_FRAME_HEADER_BYTES);
      if (data.length === 0) throw new MalformedInputError('empty DATA frame');
      return { type: 'data', stream, bytes: data };
    }
    case HttpFrameType.end:
      frame = { type: 'end', stream: streamFor('END', stream, false) };
      break;
    case HttpFrameType.reset: {
      streamFor('RESET', stream, false);
      const code = HTTP_RESET_CODES[r.u8('reset code')];
      if (code === undefined) throw new MalformedInputError('unknown reset code');
      frame = { type: 'reset', stream, code };
      break;
    }
    case HttpFrameType.window: {
      streamFor('WINDOW', stream, false);
      const increment = u32(r, 'window increment');
      if (increment < 1 || increment > HTTP_MAX_WINDOW_BYTES)
        throw new MalformedInputError('window increment out of range');
      frame = { type: 'window', stream, increment };
      break;
    }
    case HttpFrameType.goaway: {
      streamFor('GOAWAY', stream, true);
      const code = HTTP_GOAWAY_CODES[r.u8('goaway code')];
      if (code === undefined) throw new MalformedInputError('unknown goaway code');
      const length = u16(r, 'goaway detail');
      if (length > HTTP_MAX_DETAIL_BYTES) throw new MalformedInputError('goaway detail too long');
      frame = { type: 'goaway', stream: 0, code, detail: str(r, 'goaway detail', length) };
      break;
    }
    default:
      throw new MalformedInputError(`unknown HTTP frame type ${type}`);
  }
  r.end('HTTP frame');
  return frame;
}

function flags(r: ByteReader): boolean {
  const value = r.u8('flags');
  if ((value & ~END_FLAG) !== 0) throw new MalformedInputError('unknown flag bits');
  return value === END_FLAG;
}
