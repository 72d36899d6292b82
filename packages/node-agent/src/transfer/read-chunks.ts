/**
 * Reading a file chunk by chunk into one reused buffer: how the source hashes what it offers and how
 * the sink re-hashes what it holds, without ever holding more than one chunk of a file in memory.
 */
import type { FileHandle } from 'node:fs/promises';

/**
 * Visit the chunks of the first `size` bytes of `handle` in order (the last one shorter); `visit`
 * may return `false` to stop. The bytes passed to `visit` are only valid during the call.
 * Resolves with the number of bytes read, less than `size` when the file is shorter. The next chunk
 * is read while `visit` hashes the current one (two buffers), so the pass costs about the larger of
 * the reading and the hashing, not their sum.
 */
export async function readChunks(
  handle: FileHandle,
  size: number,
  chunkSize: number,
  visit: (index: number, bytes: Uint8Array) => boolean | undefined,
  firstChunk = 0,
): Promise<number> {
  const bufferBytes = Math.max(1, Math.min(chunkSize, size));
  const buffers = [Buffer.allocUnsafe(bufferBytes), Buffer.allocUnsafe(bufferBytes)] as const;
  const readAt = (index: number) => {
    const at = index * chunkSize;
    const want = Math.min(chunkSize, size - at);
    return { at, want, got: readFully(handle, buffers[index % 2] as Buffer, want, at) };
  };
  let done = firstChunk * chunkSize;
  let next = done < size ? readAt(firstChunk) : undefined;
  try {
    for (let index = firstChunk; next; index++) {
      const current = next;
      const got = await current.got;
      next = undefined;
      if (got < current.want) return current.at + got;
      done = current.at + got;
      // Started before the visit: it fills the other buffer while this one is hashed.
      if (done < size) next = readAt(index + 1);
      if (visit(index, (buffers[index % 2] as Buffer).subarray(0, got)) === false) break;
    }
    return done;
  } finally {
    // A read started ahead is never left running into a buffer (or a handle) the caller is done with.
    await next?.got.catch(() => undefined);
  }
}

/** Read `length` bytes at `position` into `buffer` (from 0), looping over short reads; fewer only at end of file. */
export async function readFully(
  handle: FileHandle,
  buffer: Uint8Array,
  length: number,
  position: number,
): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}
