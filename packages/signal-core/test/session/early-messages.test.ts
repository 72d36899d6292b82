/** `createEarlyMessageBuffer`: holding messages nobody listens to yet, bounded, released in order. */
import { describe, expect, it } from 'vitest';
import { createEarlyMessageBuffer } from '../../src/exports/session.js';

describe('early message buffer', () => {
  it('holds messages until the first listener, then hands them over in order before later ones', async () => {
    const early = createEarlyMessageBuffer<string>();
    expect(early.hold('a')).toBe(true);
    expect(early.hold('b')).toBe(true);
    const got: string[] = [];
    early.release((m) => got.push(m));
    expect(early.holding).toBe(false);
    expect(got).toEqual([]); // delivered in a microtask, after the listener is attached
    await Promise.resolve();
    got.push('live');
    expect(got).toEqual(['a', 'b', 'live']);
    // After release nothing is held (the listener gets messages directly), and a second release is a no-op.
    expect(early.hold('c')).toBe(false);
    early.release((m) => got.push(`again:${m}`));
    await Promise.resolve();
    expect(got).toEqual(['a', 'b', 'live']);
  });

  it('is bounded: beyond the limit messages are dropped and counted', async () => {
    const early = createEarlyMessageBuffer<number>(3);
    for (let i = 0; i < 5; i++) early.hold(i);
    expect(early.dropped).toBe(2);
    const got: number[] = [];
    early.release((m) => got.push(m));
    await Promise.resolve();
    expect(got).toEqual([0, 1, 2]);
  });

  it('take stops holding and returns the held messages at once, for a caller that delivers them itself', () => {
    const early = createEarlyMessageBuffer<number>(2);
    early.hold(1);
    early.hold(2);
    early.hold(3);
    expect(early.take()).toEqual([1, 2]);
    expect(early.holding).toBe(false);
    expect(early.dropped).toBe(1);
    expect(early.hold(4)).toBe(false);
    expect(early.take()).toEqual([]);
  });
});
