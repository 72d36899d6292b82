/**
 * Sending a body: read the source (a `ReadableStream` or an async iterable) one chunk at a time, cut
 * it into DATA payloads, and write each only once the stream has credit for it. The source is read
 * no faster than the other side consumes, and is cancelled when the stream stops.
 */
import { timers } from '../encoding/timers.js';
import { InvalidArgumentError } from '../errors.js';
import type { ByteStreamLike } from './web-types.js';
import type { SendCredit } from './window.js';

/** A body source: a WHATWG stream of bytes or any async iterable of bytes. */
export type BodySource = ByteStreamLike | AsyncIterable<Uint8Array>;

/** One readable body, whatever its kind. */
interface ChunkReader {
  next(): Promise<Uint8Array | undefined>;
  cancel(reason: unknown): void;
}

function readerOf(source: BodySource): ChunkReader {
  if (typeof (source as ByteStreamLike).getReader === 'function') {
    const reader = (source as ByteStreamLike).getReader();
    return {
      async next() {
        const { done, value } = await reader.read();
        return done ? undefined : checkChunk(value);
      },
      cancel(reason) {
        reader.cancel(reason).catch(() => {});
      },
    };
  }
  const iterator = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  return {
    async next() {
      const { done, value } = await iterator.next();
      return done ? undefined : checkChunk(value);
    },
    cancel() {
      iterator.return?.()?.catch(() => {});
    },
  };
}

function checkChunk(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InvalidArgumentError('a body chunk is not a Uint8Array');
  return value;
}

/** True if `value` can be sent as a body. */
export function isBodySource(value: unknown): value is BodySource {
  if (typeof value !== 'object' || value === null) return false;
  return (
    typeof (value as ByteStreamLike).getReader === 'function' ||
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

const NOT_READY = Symbol('not ready');

/** `promise`'s value if it settles before the next macrotask, else `NOT_READY`. */
async function readyNow<T>(promise: Promise<T>): Promise<T | typeof NOT_READY> {
  let handle: unknown;
  const later = new Promise<typeof NOT_READY>((resolve) => {
    handle = timers.setTimeout(() => resolve(NOT_READY), 0);
  });
  try {
    return await Promise.race([promise, later]);
  } finally {
    timers.clearTimeout(handle);
  }
}

/** A running body pump; `stop` cancels the source and makes `done` settle. */
export interface BodyPump {
  /** Resolves when every byte was written (the caller then sends END); rejects on a source error or `stop`. */
  readonly done: Promise<void>;
  stop(reason: Error): void;
}

/** Start sending `source` as DATA payloads of at most `maxPayload` bytes, each within `credit`. */
export function pumpBody(
  source: BodySource,
  credit: SendCredit,
  maxPayload: number,
  writeData: (bytes: Uint8Array) => Promise<void>,
): BodyPump {
  const reader = readerOf(source);
  let stopped: Error | undefined;
  /** Send all of `bytes`, each piece within the credit. */
  const send = async (bytes: Uint8Array) => {
    for (let at = 0; at < bytes.length; ) {
      const n = await credit.take(Math.min(maxPayload, bytes.length - at));
      if (stopped) throw stopped;
      await writeData(bytes.subarray(at, at + n));
      at += n;
    }
  };
  // Bytes read but not yet sent: less than one DATA payload between reads.
  const parts: Uint8Array[] = [];
  let partsBytes = 0;
  /** The next `n` buffered bytes as one array (a view when they sit in one part, else one copy). */
  const take = (n: number): Uint8Array => {
    const first = parts[0] as Uint8Array;
    partsBytes -= n;
    if (first.length >= n) {
      if (first.length === n) parts.shift();
      else parts[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    for (let at = 0; at < n; ) {
      const part = parts[0] as Uint8Array;
      const used = Math.min(part.length, n - at);
      out.set(part.subarray(0, used), at);
      at += used;
      if (used === part.length) parts.shift();
      else parts[0] = part.subarray(used);
    }
    return out;
  };
  const run = async () => {
    // A remainder shorter than one DATA payload waits for the next chunk, so a source of 64 KiB chunks
    // (a Node response) fills whole frames instead of one full and one 5-byte frame per chunk — but
    // only while that chunk is ready at once: bytes a slow source already gave wait at most until the
    // next macrotask (a streamed response's first bytes still go out at once).
    for (;;) {
      const reading = reader.next();
      // Handled here so a rejection is never reported unhandled while a flush is awaited below.
      reading.catch(() => {});
      let chunk: Uint8Array | undefined;
      if (partsBytes > 0) {
        const ready = await readyNow(reading);
        if (ready === NOT_READY) {
          await send(take(partsBytes));
          chunk = await reading;
        } else chunk = ready;
      } else chunk = await reading;
      if (stopped) throw stopped;
      if (!chunk) {
        if (partsBytes > 0) await send(take(partsBytes));
        return;
      }
      if (chunk.length === 0) continue;
      parts.push(chunk);
      partsBytes += chunk.length;
      while (partsBytes >= maxPayload) await send(take(maxPayload));
    }
  };
  const done = run();
  return {
    done,
    stop(reason) {
      if (stopped) return;
      stopped = reason;
      credit.fail(reason);
      reader.cancel(reason);
    },
  };
}
