/**
 * Bounds-checked reader, the counterpart of `ByteWriter`. Every failure is a `MalformedInputError`
 * naming the field, so hostile bytes can never cause a RangeError, an out-of-bounds read or a huge
 * allocation.
 */
import { MalformedInputError } from '../errors.js';
import { fromUtf8 } from './bytes.js';

/** Sequential reader over untrusted bytes. */
export class ByteReader {
  readonly #buf: Uint8Array;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#buf = bytes;
  }

  /** Bytes not yet consumed. */
  get remaining(): number {
    return this.#buf.length - this.#pos;
  }

  /** One byte. */
  u8(field: string): number {
    if (this.#pos >= this.#buf.length) throw new MalformedInputError(`truncated: ${field}`);
    return this.#buf[this.#pos++] as number;
  }

  /** Unsigned LEB128 varint; rejects non-minimal encodings and values above 2^53-1. */
  varuint(field: string, max: number = Number.MAX_SAFE_INTEGER): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const byte = this.u8(field);
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (i > 0 && byte === 0) throw new MalformedInputError(`non-minimal varint: ${field}`);
        if (value > max) throw new MalformedInputError(`out of range: ${field}`);
        return value;
      }
      scale *= 128;
    }
    throw new MalformedInputError(`varint too long: ${field}`);
  }

  /** Exactly `length` bytes (a copy, so callers may keep it). */
  raw(field: string, length: number): Uint8Array {
    if (length > this.remaining) throw new MalformedInputError(`truncated: ${field}`);
    const out = this.#buf.slice(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  /** Varint length prefix (at most `maxLength`), then the bytes. */
  bytes(field: string, maxLength: number): Uint8Array {
    const length = this.varuint(field, maxLength);
    return this.raw(field, length);
  }

  /** Varint length prefix, then strict UTF-8 of at most `maxBytes` bytes. */
  string(field: string, maxBytes: number): string {
    const bytes = this.bytes(field, maxBytes);
    try {
      return fromUtf8(bytes);
    } catch (cause) {
      throw new MalformedInputError(`invalid UTF-8: ${field}`, { cause });
    }
  }

  /** Assert everything was consumed: trailing bytes are an error, not ignored. */
  end(what: string): void {
    if (this.remaining !== 0)
      throw new MalformedInputError(`${this.remaining} trailing byte(s) after ${what}`);
  }
}
