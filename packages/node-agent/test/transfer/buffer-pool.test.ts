/** `createBufferPool`: memory given back is handed out again for its length, and only memory the pool made. */
import { describe, expect, it } from 'vitest';
import { createBufferPool } from '../../src/transfer/buffer-pool.js';

describe('createBufferPool', () => {
  it('hands a given-back buffer out again, once, for the same length only', () => {
    const pool = createBufferPool({ minBytes: 1024, maxBytes: 8192 });
    const a = pool.take(4096);
    const b = pool.take(4096);
    expect(b.buffer).not.toBe(a.buffer);
    pool.give(a.subarray(100)); // a view into it counts
    pool.give(a); // twice: still one entry
    expect(pool.take(8192).buffer).not.toBe(a.buffer); // another length
    expect(pool.take(4096).buffer).toBe(a.buffer);
    expect(pool.take(4096).buffer).not.toBe(a.buffer);
  });

  it('keeps at most maxBytes, ignores foreign memory, never pools small ones', () => {
    const pool = createBufferPool({ minBytes: 1024, maxBytes: 3000 });
    const [a, b] = [pool.take(2048), pool.take(2048)];
    pool.give(a);
    pool.give(b); // over the cap: dropped
    expect(pool.take(2048).buffer).toBe(a.buffer);
    expect(pool.take(2048).buffer).not.toBe(b.buffer);
    const foreign = Buffer.allocUnsafeSlow(2048);
    pool.give(foreign);
    expect(pool.take(2048).buffer).not.toBe(foreign.buffer);
    const small = pool.take(100);
    pool.give(small);
    const next = pool.take(100);
    expect(next.buffer === small.buffer && next.byteOffset === small.byteOffset).toBe(false);
  });

  it('allocates shared memory when asked, so a worker can read it in place', () => {
    expect(createBufferPool({ minBytes: 1, maxBytes: 64, shared: true }).take(64).buffer).toBeInstanceOf(
      SharedArrayBuffer,
    );
    expect(createBufferPool({ minBytes: 1, maxBytes: 64 }).take(64).buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('holds no more than maxBytes however many lengths are given back', () => {
    const pool = createBufferPool({ minBytes: 1024, maxBytes: 10 * 1024 });
    const given = Array.from({ length: 20 }, (_, i) => pool.take(1024 + i));
    for (const buffer of given) pool.give(buffer);
    // 1024 + 1025 + … fits 9 of them under 10 KiB; the rest were dropped.
    const reused = given.filter((buffer) => pool.take(buffer.length).buffer === buffer.buffer);
    expect(reused.length).toBe(9);
  });
});
