/**
 * Two Node agents that reach each other only through the relay: pairing by PIN, signed
 * offer/answer/candidates, a DataChannel echo (werift bound to 10.77.0.1 inside the private
 * namespace). Then the relay turns malicious (the `intercept` test hook): flipping a byte, cutting
 * the signature off, or replaying frames is detected by the agents and nothing reaches the apps;
 * frames it makes up under a peer's sender label, or a genuine bye it held back, end no connection.
 */
import type { WeriftSessionPeer } from '@lanrtc/node-agent';
import { connectRelay, createRelay, type InterceptedFrame, type ListeningRelay } from '@lanrtc/relay';
import { type Connection, SessionTimeoutError } from '@lanrtc/signal-core';
import { equalBytes } from '@lanrtc/signal-core/codec';
import { sealEnvelope } from '@lanrtc/signal-core/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestNode, echoOnce, pairByPin } from '../kit/agents.js';
import { indexOfBytes } from '../kit/bytes.js';

const IN_NETNS = process.env.LANRTC_IN_NETNS === '1';

/** Two werift agents signalling over the relay at `url`. */
const makeNode = (url: string) =>
  createTestNode({ transport: (identity) => connectRelay({ url, identity }), timeoutMs: 4_000 });

describe.skipIf(!IN_NETNS)('agents over the relay (werift, 10.77.0.1)', () => {
  let relay: ListeningRelay;
  let tamper: ((f: InterceptedFrame) => readonly Uint8Array[]) | undefined;
  const cleanup: (() => Promise<void>)[] = [];
  async function setup() {
    tamper = undefined;
    relay = await createRelay({ intercept: (f) => (tamper ? tamper(f) : [f.bytes]) });
    const a = await makeNode(relay.address.url);
    const b = await makeNode(relay.address.url);
    cleanup.push(
      () => a.agent.close(),
      () => b.agent.close(),
      () => relay.close(),
    );
    await pairByPin(a, b);
    return { a, b };
  }
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  it('pairs by PIN and opens a DataChannel with all signalling through the relay', async () => {
    const { a, b } = await setup();
    const conn = await a.agent.connect(b.identity.id);
    await vi.waitFor(() => expect(b.incoming).toHaveLength(1), { timeout: 5_000 });
    const back = b.incoming[0] as Connection<WeriftSessionPeer>;
    expect(equalBytes(conn.remoteFingerprint, b.fingerprint)).toBe(true);
    expect(await echoOnce(conn, back, 'via relay')).toBe('echo:via relay');
    expect(relay.stats.forwarded).toBeGreaterThan(4);
    await conn.close();
    await back.close();
  });

  it('a relay flipping one fingerprint byte in the offer: B drops it, A times out; nothing delivered', async () => {
    const { a, b } = await setup();
    let flipped = 0;
    tamper = ({ from, bytes }) => {
      const at = from === a.identity.id ? indexOfBytes(bytes, a.fingerprint) : -1;
      if (at < 0) return [bytes];
      flipped++;
      const out = bytes.slice();
      out[at + 7] = (out[at + 7] as number) ^ 0x01;
      return [out];
    };
    // B does not answer a frame it could not verify (its sender label proves nothing).
    await expect(a.agent.connect(b.identity.id)).rejects.toThrow(SessionTimeoutError);
    expect(b.agent.rejected.InvalidSignatureError).toBe(1);
    expect(flipped).toBe(1);
    expect(b.incoming).toHaveLength(0);
  });

  it('a relay cutting the signature off the answer: A drops it as malformed and times out; nothing delivered', async () => {
    const { a, b } = await setup();
    let cut = 0;
    tamper = ({ from, bytes }) => {
      if (from !== b.identity.id || indexOfBytes(bytes, b.fingerprint) < 0) return [bytes];
      cut++;
      return [bytes.slice(0, bytes.length - 64)];
    };
    await expect(a.agent.connect(b.identity.id)).rejects.toThrow(SessionTimeoutError);
    expect(cut).toBe(1);
    expect(a.agent.rejected.MalformedInputError).toBe(1);
    expect(a.incoming).toHaveLength(0);
  });

  it('a relay replaying every frame: each copy is rejected as a replay and the connection is unharmed', async () => {
    const { a, b } = await setup();
    tamper = ({ bytes }) => [bytes, bytes];
    const conn = await a.agent.connect(b.identity.id);
    await vi.waitFor(() => expect(b.incoming).toHaveLength(1), { timeout: 5_000 });
    const back = b.incoming[0] as Connection<WeriftSessionPeer>;
    expect(await echoOnce(conn, back, 'twice?')).toBe('echo:twice?');
    await vi.waitFor(() =>
      expect(
        (a.agent.rejected.ReplayedEnvelopeError ?? 0) + (b.agent.rejected.ReplayedEnvelopeError ?? 0),
      ).toBeGreaterThan(1),
    );
    expect(b.incoming).toHaveLength(1);
    await conn.close();
    await back.close();
  });
  it('a relay injecting garbage under A’s and B’s labels and a held-back bye: no connection ends, both echo', async () => {
    const { a, b } = await setup();
    const first = await a.agent.connect(b.identity.id);
    await vi.waitFor(() => expect(b.incoming).toHaveLength(1), { timeout: 5_000 });
    const firstBack = b.incoming[0] as Connection<WeriftSessionPeer>;
    expect(await echoOnce(first, firstBack, 'before')).toBe('echo:before');
    // A genuine bye B signed with no session (what earlier agents sent back after a frame they
    // could not verify), as if the relay had held it back 24.5 s.
    const heldBye = sealEnvelope(b.identity, {
      type: 'bye',
      recipient: a.identity.id,
      session: new Uint8Array(16),
      counter: Date.now() - 24_500,
      timestamp: Date.now() - 24_500,
      // bye payload (docs/PROTOCOL.md §Payloads): version 1, text form, reason `MalformedInputError`.
      payload: Uint8Array.of(1, 2, 19, ...new TextEncoder().encode('MalformedInputError')),
    });
    const garbage = new Uint8Array([1, 2, 3]);
    // The relay stamps each delivered frame with its sender's login, so it rides on real traffic:
    // three bytes under A's label ahead of A's next offer, and under B's label, with the held bye,
    // behind B's answer.
    const injected = { toB: 0, toA: 0 };
    tamper = ({ from, bytes }) => {
      if (bytes[1] === 1 && from === a.identity.id && injected.toB === 0) {
        injected.toB++;
        return [garbage, bytes];
      }
      if (bytes[1] === 2 && from === b.identity.id && injected.toA === 0) {
        injected.toA++;
        return [bytes, garbage, heldBye];
      }
      return [bytes];
    };
    // A second connection between the same two, through the hostile relay.
    const second = await a.agent.connect(b.identity.id);
    await vi.waitFor(() => expect(b.incoming).toHaveLength(2), { timeout: 5_000 });
    const secondBack = b.incoming[1] as Connection<WeriftSessionPeer>;
    expect(injected).toEqual({ toB: 1, toA: 1 });
    await vi.waitFor(() => {
      expect(b.agent.rejected.MalformedInputError).toBe(1);
      expect(a.agent.rejected.MalformedInputError).toBe(1);
      expect(a.agent.rejected.SessionlessByeIgnored).toBe(1);
    });
    expect(await echoOnce(first, firstBack, 'after')).toBe('echo:after');
    expect(await echoOnce(second, secondBack, 'second')).toBe('echo:second');
    const open = (c: Connection<WeriftSessionPeer>) =>
      Promise.race([c.ended, new Promise((r) => setTimeout(() => r('open'), 200))]);
    expect(await Promise.all([first, firstBack, second, secondBack].map(open))).toEqual([
      'open',
      'open',
      'open',
      'open',
    ]);
    expect([a.errors, b.errors]).toEqual([[], []]);
    await first.close();
    await second.close();
  });
});
