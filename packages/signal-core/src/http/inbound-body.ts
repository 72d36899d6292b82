/**
 * A body arriving in DATA frames, handed to its consumer as a pull-based `ReadableStream`: a chunk
 * counts as consumed (and its credit goes back to the sender) only when the consumer reads it, so
 * at most one window of bytes ever waits here.
 */
import { type ByteStreamController, type ByteStreamLike, web } from './web-types.js';

/** The feeding side of an incoming body. */
export interface InboundBody {
  readonly stream: ByteStreamLike;
  /** True once the consumer cancelled the stream (later DATA is dropped, its credit returned). */
  readonly cancelled: boolean;
  push(bytes: Uint8Array): void;
  end(): void;
  fail(error: unknown): void;
}

/** Callbacks of an incoming body. */
export interface InboundBodyInit {
  /** The consumer read `bytes` bytes. */
  onConsumed(bytes: number): void;
  /** The consumer cancelled the stream. */
  onCancel(reason: unknown): void;
}

/** A new, empty incoming body. */
export function createInboundBody(init: InboundBodyInit): InboundBody {
  const queue: Uint8Array[] = [];
  let state: 'open' | 'ended' | 'closed' | 'cancelled' = 'open';
  let controller: ByteStreamController | undefined;
  let wake: (() => void) | undefined;
  const stream = new web.ReadableStream(
    {
      start(c) {
        controller = c;
      },
      async pull(c) {
        while (queue.length === 0 && state === 'open') await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const chunk = queue.shift();
        if (chunk) {
          c.enqueue(chunk);
          init.onConsumed(chunk.length);
        } else if (state === 'ended') {
          state = 'closed';
          c.close();
        }
      },
      cancel(reason) {
        if (state === 'closed') return;
        state = 'cancelled';
        let dropped = 0;
        for (const chunk of queue.splice(0)) dropped += chunk.length;
        if (dropped > 0) init.onConsumed(dropped);
        init.onCancel(reason);
      },
    },
    // Nothing is pulled ahead of a read: the queue above is the only buffer, bounded by the credit.
    { highWaterMark: 0 },
  );
  return {
    stream,
    get cancelled() {
      return state === 'cancelled';
    },
    push(bytes) {
      if (state === 'cancelled') init.onConsumed(bytes.length);
      if (state !== 'open') return;
      queue.push(bytes);
      wake?.();
    },
    end() {
      if (state !== 'open') return;
      state = 'ended';
      wake?.();
    },
    fail(error) {
      if (state === 'closed' || state === 'cancelled') return;
      state = 'closed';
      queue.length = 0;
      controller?.error(error);
      wake?.();
    },
  };
}
