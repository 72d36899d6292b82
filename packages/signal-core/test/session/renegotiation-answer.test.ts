/**
 * The fingerprint rule of renegotiation applies to answers as well as offers: the side that offered
 * again must not apply an answer that signs another DTLS certificate than the one verified.
 */
import { describe, expect, it, vi } from 'vitest';
import { createAttemptPolicy } from '../../src/exports/protocol.js';
import { createAgent } from '../../src/exports/session.js';
import { createMemoryNetwork, type MemoryNetwork } from '../../src/exports/testing.js';
import {
  type Connection,
  createIdentity,
  createMemoryTrustStore,
  FingerprintMismatchError,
  type LanrtcError,
} from '../../src/index.js';
import { fixtureFingerprint } from './fake-peer.js';
import { type NegotiatingPeer, negotiatingPeer } from './negotiating-peer.js';

function node(net: MemoryNetwork, role: 'offer' | 'answer', lieFrom?: number) {
  const identity = createIdentity();
  const errors: LanrtcError[] = [];
  const incoming: Connection<NegotiatingPeer>[] = [];
  const agent = createAgent<NegotiatingPeer>({
    identity,
    transport: net.connect(identity.id),
    trust: createMemoryTrustStore(),
    fingerprint: fixtureFingerprint(role),
    timeoutMs: 500,
    createPeer: ({ role: r }) => negotiatingPeer(r, lieFrom),
  }).start();
  agent.onSessionError((e) => errors.push(e));
  agent.onConnection((c) => incoming.push(c));
  return { identity, agent, errors, incoming };
}

describe('renegotiation answers', () => {
  it('an answer signing another DTLS fingerprint ends the connection with FingerprintMismatchError', async () => {
    const net = createMemoryNetwork();
    const a = node(net, 'offer');
    // B's 2nd description (its answer to the renegotiation offer) signs a foreign fingerprint.
    const b = node(net, 'answer', 2);
    const policy = createAttemptPolicy();
    b.agent.openPairing({ mode: () => policy.mode(), policy });
    await a.agent.pair(b.identity.id, { kind: 'pin', pin: policy.pin() });
    const atA = await a.agent.connect(b.identity.id);
    await vi.waitFor(() => expect(b.incoming).toHaveLength(1));
    const atB = b.incoming[0] as Connection<NegotiatingPeer>;

    const outcome = await atA.renegotiate().catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(FingerprintMismatchError);
    expect(a.errors.map((e) => e.name)).toEqual(['FingerprintMismatchError']);
    // A made its offer but never applied the answer: one remote answer (the first exchange's).
    expect(atA.peer.log.filter((l) => l === 'local offer')).toHaveLength(2);
    expect(atA.peer.log.filter((l) => l === 'remote answer')).toHaveLength(1);
    expect(await atA.ended).toBe('FingerprintMismatchError');
    // B is told why, and its side ends too.
    expect(await atB.ended).toBe('FingerprintMismatchError');
    expect([atA.peer.closed, atB.peer.closed]).toEqual([true, true]);
    await expect(atA.renegotiate()).rejects.toBeInstanceOf(FingerprintMismatchError);
    await a.agent.close();
    await b.agent.close();
  });
});
