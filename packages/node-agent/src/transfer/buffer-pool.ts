/**
 * Reusable chunk-sized buffers. Moving a GiB in fresh 1 MiB buffers made V8 collect its whole heap
 * every few dozen MiB of that outside-heap memory: on a process that also holds werift, more CPU
 * than hashing every byte (BENCHMARKS.md, "File transfer"). A buffer given back once nothing reads
 * it is handed out again for the next chunk of its length.
 */

/** Options of `createBufferPool`. */
export interface BufferPoolInit {
  /** Buffers shorter than this come from node's slab and are never pooled. */
  readonly minBytes: number;
  /**
   * Most bytes kept for reuse in all: what a peer can make this side hold beyond its window (say, by
   * files whose last chunks all differ in length) stays bounded.
   */
  readonly maxBytes: number;
  /** Allocate in a `SharedArrayBuffer`, so a worker thread can read a buffer in place. */
  readonly shared?: boolean;
}

/** Buffers by exact length: `take` one, `give` it (or a view into it) back once nothing reads it. */
export interface BufferPool {
  /** A buffer of `length` bytes, not zeroed (reused, or new). */
  take(length: number): Buffer;
  /** Give back memory `take` returned; other memory, or the same given twice, is ignored. */
  give(view: Uint8Array): void;
}

/** A pool of buffers per length. */
export function createBufferPool(init: BufferPoolInit): BufferPool {
  // The memory this pool handed out, so a foreign buffer given back is ignored.
  const ours = new WeakSet<ArrayBufferLike>();
  const spare = new Map<number, Buffer[]>();
  let spareBytes = 0;
  return {
    take(length) {
      if (length < init.minBytes) return Buffer.allocUnsafe(length);
      const reused = spare.get(length)?.pop();
      if (reused) {
        spareBytes -= length;
        return reused;
      }
      // Its own memory, not node's slab: giving it back frees nothing else.
      const fresh = init.shared ? Buffer.from(new SharedArrayBuffer(length)) : Buffer.allocUnsafeSlow(length);
      ours.add(fresh.buffer);
      return fresh;
    },
    give(view) {
      const memory = view.buffer;
      const length = memory.byteLength;
      if (!ours.has(memory) || spareBytes + length > init.maxBytes) return;
      let list = spare.get(length);
      if (!list) {
        list = [];
        spare.set(length, list);
      }
      if (list.some((b) => b.buffer === memory)) return;
      list.push(Buffer.from(memory as ArrayBuffer));
      spareBytes += length;
    },
  };
}
