/**
 * Reading a file chunk by chunk into one reused buffer: how the source hashes what it offers and how
 * the sink re-hashes what it holds, without ever holding more than one chunk of a file in memory.
 */
import type { FileHandle } from 'node:fs/promises';

/**
 * Visit the chunks of the first `size` bytes of `handle` in order (the last one shorter); `visit`
 * may return `false` to stop. The bytes passed to `visit` are only valid during the call.
 * Resolves with the number of bytes read, less than `size` when the file is shorter.
 */
export async function readChunks(
  handle: FileHandle,
  size: number,
  chunkSize: number,
  visit: (index: number, bytes: Uint8Array) => boolean | undefined,
  firstChunk = 0,
): Promise<number> {
  const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(chunkSize, size)));
  let done = firstChunk * chunkSize;
  for (let index = firstChunk; done < size; index++) {
    const want = Math.min(chunkSize, size - done);
    const got = await readFully(handle, buffer, want, done);
    if (got < want) return done + got;
    done += got;
    if (visit(index, buffer.subarray(0, got)) === false) break;
  }
  return done;
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
