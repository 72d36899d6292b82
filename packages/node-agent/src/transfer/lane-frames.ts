/**
 * Frames on a byte stream (the TLS lane): each frame is a u32 big-endian length followed by that many
 * bytes. The decoder holds at most one incomplete frame, so what a peer can make this side buffer is
 * bounded by `MAX_STREAM_FRAME_BYTES` whatever it sends. Large frames are assembled in pooled shared
 * buffers (buffer-pool.ts) that the consumer gives back (`recycle`) once it is done with them.
 */
import { MalformedInputError } from '@lanrtc/signal-core';
import { createBufferPool } from './buffer-pool.js';

/** Frames at least this long are assembled in reusable buffers; smaller ones come from node's slab. */
const POOLED_FRAME_BYTES = 64 * 1024;

/** Bytes of frames kept for reuse: more than the 16 MiB window of chunks. */
const SPARE_BYTES = 24 * 1024 * 1024;

/** Largest frame a stream lane carries: 4 MiB (a 1 MiB chunk fits in one frame, with room to spare). */
export const MAX_STREAM_FRAME_BYTES = 4 * 1024 * 1024;

/** Bytes of the length prefix before each frame. */
export const FRAME_HEADER_BYTES = 4;

/**
 * The 4-byte big-endian length prefix of a frame of `length` bytes, at the start of a buffer of
 * `bufferBytes` (≥ 4; the rest, uninitialised, for the caller to fill).
 */
export function frameHeader(length: number, bufferBytes = FRAME_HEADER_BYTES): Buffer {
  const header = Buffer.allocUnsafe(bufferBytes);
  header.writeUInt32BE(length, 0);
  return header;
}

/** Splits a byte stream into whole frames; throws `MalformedInputError` on a length of 0 or over the limit. */
export interface FrameDecoder {
  /** Feed the next bytes of the stream; returns every frame they complete, in order. */
  push(bytes: Uint8Array): Uint8Array[];
  /** True while part of a frame (or of its header) has arrived but not all of it. */
  readonly midFrame: boolean;
  /** Give back a frame (or a view into one) `push` returned, once nothing reads it: its memory is reused. */
  recycle(frame: Uint8Array): void;
}

/** A decoder for frames of at most `maxFrameBytes` each. */
export function createFrameDecoder(maxFrameBytes = MAX_STREAM_FRAME_BYTES): FrameDecoder {
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  let headerFill = 0;
  // The frame being assembled once its header is known; `undefined` while reading a header.
  let frame: Uint8Array | undefined;
  let frameFill = 0;
  // Shared memory: `nodeChunkDigest` hashes a chunk in it on a worker thread, without a copy.
  const spare = createBufferPool({ minBytes: POOLED_FRAME_BYTES, maxBytes: SPARE_BYTES, shared: true });

  return {
    recycle: (view) => spare.give(view),
    push(bytes) {
      const out: Uint8Array[] = [];
      let at = 0;
      while (at < bytes.length) {
        if (frame === undefined) {
          const remaining = bytes.length - at;
          if (headerFill === 0 && remaining >= FRAME_HEADER_BYTES) {
            const length = readLength(bytes, at, maxFrameBytes);
            at += FRAME_HEADER_BYTES;
            // The whole frame is in this read: hand out a view, no copy (the common case for small frames).
            if (bytes.length - at >= length) {
              out.push(bytes.subarray(at, at + length));
              at += length;
              continue;
            }
            // Not zeroed: every byte is written before the frame is handed out.
            frame = spare.take(length);
            frameFill = 0;
            continue;
          }
          const take = Math.min(FRAME_HEADER_BYTES - headerFill, remaining);
          header.set(bytes.subarray(at, at + take), headerFill);
          headerFill += take;
          at += take;
          if (headerFill < FRAME_HEADER_BYTES) break;
          headerFill = 0;
          const length = readLength(header, 0, maxFrameBytes);
          frame = spare.take(length);
          frameFill = 0;
          continue;
        }
        const take = Math.min(frame.length - frameFill, bytes.length - at);
        frame.set(bytes.subarray(at, at + take), frameFill);
        frameFill += take;
        at += take;
        if (frameFill === frame.length) {
          out.push(frame);
          frame = undefined;
        }
      }
      return out;
    },
    get midFrame() {
      return frame !== undefined || headerFill > 0;
    },
  };
}

function readLength(bytes: Uint8Array, at: number, maxFrameBytes: number): number {
  const length =
    ((bytes[at] as number) * 0x1000000 +
      ((bytes[at + 1] as number) << 16) +
      ((bytes[at + 2] as number) << 8) +
      (bytes[at + 3] as number)) >>>
    0;
  if (length > maxFrameBytes) {
    throw new MalformedInputError(`frame of ${length} bytes is over the lane's limit of ${maxFrameBytes}`);
  }
  // Lanes carry frames of 1…max bytes (a DataChannel has no portable empty message).
  if (length === 0) throw new MalformedInputError('empty frame');
  return length;
}
