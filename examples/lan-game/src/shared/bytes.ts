/**
 * Bounds-checked byte reading and writing for the game's messages. Every read past the end, every
 * value out of its range and every byte left over is a `MalformedMessageError`.
 */
import { MalformedMessageError, UnencodableValueError } from './errors.js';

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Reads one message front to back. */
export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number, what: string): number {
    const at = this.offset;
    if (at + n > this.bytes.length)
      throw new MalformedMessageError(`truncated: ${what} needs ${n} byte(s) at offset ${at}`);
    this.offset += n;
    return at;
  }

  u8(what: string): number {
    return this.view.getUint8(this.need(1, what));
  }
  i8(what: string): number {
    return this.view.getInt8(this.need(1, what));
  }
  u16(what: string): number {
    return this.view.getUint16(this.need(2, what));
  }
  i16(what: string): number {
    return this.view.getInt16(this.need(2, what));
  }
  u32(what: string): number {
    return this.view.getUint32(this.need(4, what));
  }
  f64(what: string): number {
    const v = this.view.getFloat64(this.need(8, what));
    if (!Number.isFinite(v)) throw new MalformedMessageError(`${what} is not a finite number`);
    return v;
  }
  /** A u8 in [min, max]. */
  u8In(what: string, min: number, max: number): number {
    const v = this.u8(what);
    if (v < min || v > max) throw new MalformedMessageError(`${what} ${v} is outside ${min}–${max}`);
    return v;
  }
  /** A u16 in [min, max]. */
  u16In(what: string, min: number, max: number): number {
    const v = this.u16(what);
    if (v < min || v > max) throw new MalformedMessageError(`${what} ${v} is outside ${min}–${max}`);
    return v;
  }
  /** A length-prefixed (u8) UTF-8 string of `minBytes`–`maxBytes` bytes. */
  text(what: string, minBytes: number, maxBytes: number): string {
    const n = this.u8In(`${what} length`, minBytes, maxBytes);
    const at = this.need(n, what);
    try {
      return utf8Strict.decode(this.bytes.subarray(at, at + n));
    } catch (error) {
      throw new MalformedMessageError(`${what} is not UTF-8`, { cause: error });
    }
  }
  /** Throw unless every byte was read. */
  end(): void {
    if (this.offset !== this.bytes.length)
      throw new MalformedMessageError(`${this.bytes.length - this.offset} byte(s) after the message`);
  }
}

/** Writes one message; grows as needed. */
export class ByteWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private length = 0;

  /** Reserve `n` bytes (growing the buffer first: read `view`/`buf` only after this returns). */
  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(v: number): this {
    checkInt(v, 0, 0xff);
    const at = this.room(1);
    this.view.setUint8(at, v);
    return this;
  }
  i8(v: number): this {
    checkInt(v, -128, 127);
    const at = this.room(1);
    this.view.setInt8(at, v);
    return this;
  }
  u16(v: number): this {
    checkInt(v, 0, 0xffff);
    const at = this.room(2);
    this.view.setUint16(at, v);
    return this;
  }
  i16(v: number): this {
    checkInt(v, -0x8000, 0x7fff);
    const at = this.room(2);
    this.view.setInt16(at, v);
    return this;
  }
  u32(v: number): this {
    checkInt(v, 0, 0xffffffff);
    const at = this.room(4);
    this.view.setUint32(at, v);
    return this;
  }
  f64(v: number): this {
    const at = this.room(8);
    this.view.setFloat64(at, v);
    return this;
  }
  /** A length-prefixed (u8) UTF-8 string of at most `maxBytes` bytes. */
  text(v: string, maxBytes: number): this {
    const bytes = utf8.encode(v);
    if (bytes.length > maxBytes)
      throw new UnencodableValueError(`text of ${bytes.length} bytes > ${maxBytes}`);
    this.u8(bytes.length);
    const at = this.room(bytes.length);
    this.buf.set(bytes, at);
    return this;
  }
  /** The bytes written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function checkInt(v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new UnencodableValueError(`${v} is not an integer in ${min}–${max}`);
}
