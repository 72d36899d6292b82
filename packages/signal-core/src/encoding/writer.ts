/**
 * Append-only binary writer used by every lanrtc wire format (docs/PROTOCOL.md §"Primitive types").
 * Unsigned varints are LEB128 (little-endian base-128), at most 2^53 - 1 so they round-trip through
 * a JS number.
 */
import { InvalidArgumentError } from '../errors.js';
import { utf8 } from './bytes.js';

/** Growable byte buffer with typed appenders. */
export class ByteWriter {
  #buf = new Uint8Array(64);
  #len = 0;

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  /** One byte, 0..255. */
  u8(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff)
      throw new InvalidArgumentError('u8 out of range');
    this.#reserve(1);
    this.#buf[this.#len++] = value;
    return this;
  }

  /** Unsigned LEB128 varint, 0..2^53-1. */
  varuint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError('varuint out of range');
    let v = value;
    do {
      let byte = v % 128;
      v = Math.floor(v / 128);
      if (v > 0) byte |= 0x80;
      this.u8(byte);
    } while (v > 0);
    return this;
  }

  /** Raw bytes with no length prefix (fixed-size fields). */
  raw(bytes: Uint8Array): this {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
    return this;
  }

  /** Varint length prefix, then the bytes. */
  bytes(bytes: Uint8Array): this {
    return this.varuint(bytes.length).raw(bytes);
  }

  /** Varint length prefix, then UTF-8. */
  string(text: string): this {
    return this.bytes(utf8(text));
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}
