/**
 * Sending a body: read the source (a `ReadableStream` or an async iterable) one chunk at a time, cut
 * it into DATA payloads, and write each only once the stream has credit for it. The source is read
 * no faster than the other side consumes, and is cancelled when the stream stops.
 */
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
  const run = async () => {
    for (;;) {
      const chunk = await reader.next();
      if (stopped) throw stopped;
      if (!chunk) return;
      for (let at = 0; at < chunk.length; ) {
        const n = await credit.take(Math.min(maxPayload, chunk.length - at));
        if (stopped) throw stopped;
        await writeData(chunk.subarray(at, at + n));
        at += n;
      }
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
