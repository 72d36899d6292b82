import { describe, expect, it } from 'vitest';
import { createChannelRegistry } from '../../src/exports/session.js';
import { TransportClosedError } from '../../src/index.js';

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
