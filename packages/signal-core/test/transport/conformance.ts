/**
 * Conformance suite every `SignalTransport` runs (in-memory now; relay, QR and direct later). It pins
 * down what the session layer relies on: addressed delivery, order, frames as values, and close.
 */
import { describe, expect, it } from 'vitest';
import type { SignalTransport, TransportFrame } from '../../src/index.js';
import { TransportClosedError } from '../../src/index.js';

/** Two (or three) connected endpoints of the transport under test, and how to dispose of them. */
export interface TransportFixture {
  a: SignalTransport;
  b: SignalTransport;
  c: SignalTransport;
  dispose(): Promise<void>;
}

async function take(messages: AsyncIterable<TransportFrame>, n: number): Promise<TransportFrame[]> {
  const out: TransportFrame[] = [];
  if (n === 0) return out;
  for await (const frame of messages) {
    out.push(frame);
    if (out.length === n) break;
  }
  return out;
}

/** Register the conformance tests for one transport implementation. */
export function runTransportConformance(name: string, make: () => Promise<TransportFixture>): void {
  describe(`SignalTransport conformance: ${name}`, () => {
    it('delivers frames to the addressed endpoint only, in order, with the sender id', async () => {
      const f = await make();
      try {
        for (let i = 0; i < 50; i++) await f.a.send(f.b.localId, new Uint8Array([i, 1, 2]));
        await f.a.send(f.c.localId, new Uint8Array([99]));
        const got = await take(f.b.messages, 50);
        expect(got.map((m) => m.bytes[0])).toEqual(Array.from({ length: 50 }, (_, i) => i));
        expect(got.every((m) => m.from === f.a.localId)).toBe(true);
        const [toC] = await take(f.c.messages, 1);
        expect(Array.from(toC?.bytes ?? [])).toEqual([99]);
      } finally {
        await f.dispose();
      }
    });

    it('treats a sent frame as a value: later changes to the buffer do not reach the receiver', async () => {
      const f = await make();
      try {
        const buf = new Uint8Array([1, 2, 3]);
        await f.a.send(f.b.localId, buf);
        buf[0] = 42;
        const [got] = await take(f.b.messages, 1);
        expect(Array.from(got?.bytes ?? [])).toEqual([1, 2, 3]);
      } finally {
        await f.dispose();
      }
    });

    it('carries a 64 KiB frame intact', async () => {
      const f = await make();
      try {
        const big = new Uint8Array(64 * 1024).map((_, i) => (i * 7) & 0xff);
        await f.b.send(f.a.localId, big);
        const [got] = await take(f.a.messages, 1);
        expect(got?.bytes).toEqual(big);
      } finally {
        await f.dispose();
      }
    });

    it('rejects sends after close and ends iteration', async () => {
      const f = await make();
      try {
        f.a.close();
        f.a.close(); // idempotent
        await expect(f.a.send(f.b.localId, new Uint8Array([1]))).rejects.toThrow(TransportClosedError);
        expect(await take(f.a.messages, 1)).toEqual([]);
      } finally {
        await f.dispose();
      }
    });
  });
}
