import { describe, expect, it } from 'vitest';
import { createChannelRegistry, createEarlyMessageBuffer, TransportClosedError } from '../../src/index.js';

/** A stand-in channel: a label, a state, and a way to open it later. */
function channel(label: string, readyState = 'connecting') {
  const listeners: (() => void)[] = [];
  const c = {
    label,
    readyState,
    open() {
      c.readyState = 'open';
      for (const l of listeners.splice(0)) l();
    },
    listeners,
  };
  return c;
}
type Fake = ReturnType<typeof channel>;

const registry = () => createChannelRegistry<Fake>((c, opened) => c.listeners.push(opened));

describe('channel registry', () => {
  it('resolves a waiter when the channel opens, whether asked before or after it was tracked', async () => {
    const r = registry();
    const early = r.channel('chat');
    const c = channel('chat');
    r.track(c);
    c.open();
    expect(await early).toBe(c);
    expect(await r.channel('chat')).toBe(c);
  });

  it('keeps the first channel per label and resolves at once for an already open one', async () => {
    const r = registry();
    const first = channel('x', 'open');
    r.track(first);
    r.track(channel('x', 'open'));
    expect(await r.channel('x')).toBe(first);
  });

  it('rejects waiters, and later calls, once closed', async () => {
    const r = registry();
    const pending = r.channel('never');
    r.close('peer connection closed');
    await expect(pending).rejects.toThrow(TransportClosedError);
    await expect(r.channel('other')).rejects.toThrow('peer connection closed');
  });
});

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
});
