/**
 * The whole spine in one process: two Node agents with fresh identities and real werift peers, a
 * signalling path that is an in-memory switch (so a test can play a malicious relay on it), pairing
 * by PIN, signed offer/answer/candidates, a DataChannel echo, and the DTLS fingerprint check.
 * Runs inside the private network namespace (scripts/netns-run.mjs); werift binds only 10.77.0.1.
 */
import { type Connection, NotPairedError, SessionTimeoutError } from '@lanrtc/signal-core';
import { equalBytes } from '@lanrtc/signal-core/codec';
import { createMemoryNetwork, type MemoryNetwork } from '@lanrtc/signal-core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestNode, echoOnce, pairByPin } from '../../../../test/kit/agents.js';
import { indexOfBytes } from '../../../../test/kit/bytes.js';
import type { WeriftSessionPeer } from '../../src/index.js';
import { IN_NETNS } from '../peer/pair.js';

/** Two werift agents signalling over the in-memory switch `net`. */
const makeNode = (net: MemoryNetwork, timeoutMs?: number) =>
  createTestNode({ transport: (identity) => net.connect(identity.id), ...(timeoutMs ? { timeoutMs } : {}) });

describe.skipIf(!IN_NETNS)('spine: pair, signal, connect, verify (werift, in-memory signalling)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  it('pairs by PIN, connects with signed envelopes, echoes, and a second connection needs no PIN', async () => {
    const net = createMemoryNetwork();
    const a = await makeNode(net);
    const b = await makeNode(net);
    cleanup.push(
      () => a.agent.close(),
      () => b.agent.close(),
    );

    await expect(a.agent.connect(b.identity.id)).rejects.toThrow(NotPairedError);
    await pairByPin(a, b);

    const conn = await a.agent.connect(b.identity.id);
    await vi.waitFor(() => expect(b.incoming).toHaveLength(1), { timeout: 5_000 });
    const back = b.incoming[0] as Connection<WeriftSessionPeer>;
    // Each side saw the certificate the paired identity signed for.
    expect(conn.remote.id).toBe(b.identity.id);
    expect(back.remote.id).toBe(a.identity.id);
    expect(equalBytes(conn.remoteFingerprint, b.fingerprint)).toBe(true);
    expect(equalBytes(back.remoteFingerprint, a.fingerprint)).toBe(true);
    const stored = await b.trust.get(a.identity.id);
    expect(stored?.fingerprints.some((f) => equalBytes(f.fingerprint, a.fingerprint))).toBe(true);
    expect(await echoOnce(conn, back, 'hello')).toBe('echo:hello');
    await conn.close();
    await back.close();

    // Trust persists: no pairing window is open now, and the second connection needs none.
    const again = await a.agent.connect(b.identity.id);
    await vi.waitFor(() => expect(b.incoming).toHaveLength(2), { timeout: 5_000 });
    expect(await echoOnce(again, b.incoming[1] as Connection<WeriftSessionPeer>, 'again')).toBe('echo:again');
    await again.close();
    expect(a.errors).toEqual([]);
  });

  it.each([
    ['offer (A→B): B drops it', 'a', 'b'],
    ['answer (B→A): A drops it', 'b', 'a'],
  ] as const)(
    'a relay flipping one fingerprint byte in the %s and A times out; no connection, no data',
    async (_, victim, dropper) => {
      const net = createMemoryNetwork();
      // The tampered frame is dropped, not answered (its sender label proves nothing): A's connect
      // ends by its step deadline, kept short here.
      const a = await makeNode(net, 2_000);
      const b = await makeNode(net, 2_000);
      cleanup.push(
        () => a.agent.close(),
        () => b.agent.close(),
      );
      await pairByPin(a, b);

      const target = victim === 'a' ? a : b;
      let flipped = 0;
      net.setTamper(({ from, bytes }) => {
        if (from !== target.identity.id) return bytes;
        const at = indexOfBytes(bytes, target.fingerprint);
        if (at < 0) return bytes;
        flipped++;
        const out = bytes.slice();
        out[at + 7] = (out[at + 7] as number) ^ 0x01;
        return out;
      });

      await expect(a.agent.connect(b.identity.id)).rejects.toThrow(SessionTimeoutError);
      expect((dropper === 'a' ? a : b).agent.rejected.InvalidSignatureError).toBe(1);
      expect(flipped).toBe(1);
      // Nothing reached either application.
      expect(b.incoming).toHaveLength(0);
    },
  );
});
