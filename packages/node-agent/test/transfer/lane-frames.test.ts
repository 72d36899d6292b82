/**
 * The stream lane's frame decoder: any split of a valid stream into reads gives back the frames it
 * carried, and a bad length is a `MalformedInputError` whichever read it arrives in.
 */
import { MalformedInputError } from '@lanrtc/signal-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFrameDecoder, frameHeader } from '../../src/transfer/lane-frames.js';

const encode = (frames: readonly Uint8Array[]): Uint8Array =>
  Buffer.concat(frames.flatMap((frame) => [frameHeader(frame.length), frame]));

/** `bytes` cut at the given offsets (sorted, deduplicated, within range). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const point of [...points, bytes.length]) {
    out.push(bytes.subarray(at, point));
    at = point;
  }
  return out;
}

describe('frame decoder', () => {
  it('gives back the frames of a stream however it is split into reads', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (frames, cuts) => {
          const decoder = createFrameDecoder(300);
          const got = split(encode(frames), cuts).flatMap((read) =>
            // Copy each frame out: a frame may be a view of the read it came in.
            decoder.push(read).map((frame) => Uint8Array.from(frame)),
          );
          expect(got).toEqual(frames.map((frame) => Uint8Array.from(frame)));
          expect(decoder.midFrame).toBe(false);
        },
      ),
    );
  });

  it('knows when a stream stopped inside a header or a frame', () => {
    const decoder = createFrameDecoder(100);
    const stream = encode([Uint8Array.of(1, 2, 3)]);
    decoder.push(stream.subarray(0, 2));
    expect(decoder.midFrame).toBe(true);
    decoder.push(stream.subarray(2, 5));
    expect(decoder.midFrame).toBe(true);
    expect(decoder.push(stream.subarray(5)).map((f) => Uint8Array.from(f))).toEqual([Uint8Array.of(1, 2, 3)]);
    expect(decoder.midFrame).toBe(false);
  });

  it.each([
    ['0', 0],
    ['limit + 1', 101],
    ['2^32 - 1', 0xffff_ffff],
  ])('refuses a length of %s, whole or split', (_, length) => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(length);
    expect(() => createFrameDecoder(100).push(header)).toThrow(MalformedInputError);
    const decoder = createFrameDecoder(100);
    decoder.push(encode([Uint8Array.of(9)]));
    decoder.push(header.subarray(0, 3));
    expect(() => decoder.push(header.subarray(3))).toThrow(MalformedInputError);
  });

  it('takes a frame of exactly the limit', () => {
    const frame = new Uint8Array(100).fill(7);
    expect(
      createFrameDecoder(100)
        .push(encode([frame]))
        .map((f) => Uint8Array.from(f)),
    ).toEqual([frame]);
  });

  it('reuses a large frame’s memory once it is given back, and only then', () => {
    const decoder = createFrameDecoder();
    const size = 1024 * 1024;
    const whole = (fill: number) => encode([new Uint8Array(size).fill(fill)]);
    // Split reads, as TLS delivers them: the frame is assembled in the decoder's memory.
    const first = split(whole(1), [4000, 70_000]).flatMap((read) => decoder.push(read))[0] as Uint8Array;
    const second = split(whole(2), [4000]).flatMap((read) => decoder.push(read))[0] as Uint8Array;
    expect(second.buffer).not.toBe(first.buffer);
    // Shared memory: a worker thread hashes the chunk in place.
    expect(first.buffer).toBeInstanceOf(SharedArrayBuffer);

    decoder.recycle(first.subarray(10)); // a view into it (a DATA payload behind its header) counts
    decoder.recycle(first); // given back twice: still handed out once
    const third = split(whole(3), [4000]).flatMap((read) => decoder.push(read))[0] as Uint8Array;
    expect(third.buffer).toBe(first.buffer);
    expect(third.every((b) => b === 3)).toBe(true);
    const fourth = split(whole(4), [4000]).flatMap((read) => decoder.push(read))[0] as Uint8Array;
    expect(fourth.buffer).not.toBe(first.buffer);
    expect(second.every((b) => b === 2)).toBe(true); // never given back: never written over
  });

  it('ignores memory it did not hand out, and does not pool small frames', () => {
    const decoder = createFrameDecoder();
    const foreign = new Uint8Array(new SharedArrayBuffer(256 * 1024));
    decoder.recycle(foreign);
    const frame = split(encode([new Uint8Array(256 * 1024).fill(5)]), [9]).flatMap((r) => decoder.push(r))[0];
    expect(frame?.buffer).not.toBe(foreign.buffer);
    const small = split(encode([new Uint8Array(1000).fill(6)]), [9]).flatMap((r) =>
      decoder.push(r),
    )[0] as Uint8Array;
    decoder.recycle(small);
    const next = split(encode([new Uint8Array(1000).fill(7)]), [9]).flatMap((r) =>
      decoder.push(r),
    )[0] as Uint8Array;
    expect(small.every((b) => b === 6)).toBe(true);
    expect(next.every((b) => b === 7)).toBe(true);
  });
});
