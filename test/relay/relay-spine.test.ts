/**
 * Two Node agents that reach each other only through the relay: pairing by PIN, signed
 * offer/answer/candidates, a DataChannel echo (werift bound to 10.77.0.1 inside the private
 * namespace). Then the relay turns malicious (the `intercept` test hook): flipping a byte, cutting
 * the signature off, or replaying frames is detected by the agents and nothing reaches the apps.
 */
import type { WeriftSessionPeer } from '@lanrtc/node-agent';
import { connectRelay, createRelay, type InterceptedFrame, type ListeningRelay } from '@lanrtc/relay';
import { type Connection, MalformedInputError, PeerRejectedError } from '@lanrtc/signal-core';
import { equalBytes } from '@lanrtc/signal-core/codec';
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

  it('a relay flipping one fingerprint byte in the offer: B rejects it and tells A; nothing delivered', async () => {
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
    const error = await a.agent.connect(b.identity.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeerRejectedError);
    expect((error as PeerRejectedError).reason).toBe('InvalidSignatureError');
    expect(b.agent.rejected.InvalidSignatureError).toBe(1);
    expect(flipped).toBe(1);
    expect(b.incoming).toHaveLength(0);
  });

  it('a relay cutting the signature off the answer: A rejects it as malformed; nothing delivered', async () => {
    const { a, b } = await setup();
    let cut = 0;
    tamper = ({ from, bytes }) => {
      if (from !== b.identity.id || indexOfBytes(bytes, b.fingerprint) < 0) return [bytes];
      cut++;
      return [bytes.slice(0, bytes.length - 64)];
    };
    const error = await a.agent.connect(b.identity.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedInputError);
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
});
