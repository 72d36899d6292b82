import { describe, expect, it } from 'vitest';
import { createMemoryNetwork } from '../../src/exports/testing.js';
import { runTransportConformance } from './conformance.js';

runTransportConformance('in-memory', async () => {
  const net = createMemoryNetwork();
  const a = net.connect('a');
  const b = net.connect('b');
  const c = net.connect('c');
  return {
    a,
    b,
    c,
    async dispose() {
      for (const t of [a, b, c]) t.close();
    },
  };
});

describe('in-memory network', () => {
  it('lets a tamper hook alter or drop frames, and counts drops', async () => {
    const net = createMemoryNetwork({
      tamper: ({ bytes }) => (bytes[0] === 0 ? undefined : bytes.map((x) => x ^ 1)),
    });
    const a = net.connect('a');
    const b = net.connect('b');
    await a.send('b', new Uint8Array([0]));
    await a.send('b', new Uint8Array([2]));
    await a.send('nobody', new Uint8Array([2]));
    const it = b.messages[Symbol.asyncIterator]();
    const first = await it.next();
    expect(Array.from(first.value?.bytes ?? [])).toEqual([3]);
    expect(net.dropped).toBe(2);
    a.close();
    b.close();
  });

  it('bounds the receive queue: a flood beyond the limit is dropped and counted, not buffered', async () => {
    const net = createMemoryNetwork({ queueLimit: 8 });
    const a = net.connect('a');
    const b = net.connect('b');
    for (let i = 0; i < 100; i++) await a.send('b', new Uint8Array([i]));
    expect(net.dropped).toBe(92);
    a.close();
    b.close();
  });
});
