import { describe, expect, it, vi } from 'vitest';
import { createAttemptPolicy } from '../../src/exports/protocol.js';
import { createAgent } from '../../src/exports/session.js';
import { createMemoryNetwork, type MemoryNetwork } from '../../src/exports/testing.js';
import {
  type Connection,
  createIdentity,
  createMemoryTrustStore,
  type LanrtcError,
  PeerRejectedError,
  SessionTimeoutError,
} from '../../src/index.js';
import { fixtureFingerprint } from './fake-peer.js';
import { type NegotiatingPeer, negotiatingPeer } from './negotiating-peer.js';

function node(net: MemoryNetwork, role: 'offer' | 'answer', lieFrom?: number) {
  const identity = createIdentity();
  const errors: LanrtcError[] = [];
  const incoming: Connection<NegotiatingPeer>[] = [];
  const peers: NegotiatingPeer[] = [];
  const agent = createAgent<NegotiatingPeer>({
    identity,
    transport: net.connect(identity.id),
    trust: createMemoryTrustStore(),
    fingerprint: fixtureFingerprint(role),
    timeoutMs: 500,
    createPeer: ({ role: r }) => {
      const p = negotiatingPeer(r, lieFrom);
      peers.push(p);
      return p;
    },
  }).start();
  agent.onSessionError((e) => errors.push(e));
  agent.onConnection((c) => incoming.push(c));
  return { identity, agent, errors, incoming, peers };
}

/** A connects to B (paired); returns both ends of the connection. `lieFrom`: see negotiatingPeer. */
async function connected(opts: { aLiesFrom?: number } = {}) {
  const net = createMemoryNetwork();
  const a = node(net, 'offer', opts.aLiesFrom);
  const b = node(net, 'answer');
  const policy = createAttemptPolicy();
  b.agent.openPairing({ mode: () => policy.mode(), policy });
  await a.agent.pair(b.identity.id, { kind: 'pin', pin: policy.pin() });
  const atA = await a.agent.connect(b.identity.id);
  await vi.waitFor(() => expect(b.incoming).toHaveLength(1));
  const atB = b.incoming[0] as Connection<NegotiatingPeer>;
  const close = async () => {
    await a.agent.close();
    await b.agent.close();
  };
  return { a, b, atA, atB, close };
}

describe('renegotiation over the session', () => {
  it('either side offers again on the same session and the other answers', async () => {
    const { atA, atB, close } = await connected();
    await atA.renegotiate();
    expect(atA.peer.log.slice(-2)).toEqual(['local offer', 'remote answer']);
    expect(atB.peer.log.slice(-2)).toEqual(['remote offer', 'local answer']);
    await atB.renegotiate();
    expect(atB.peer.log.slice(-2)).toEqual(['local offer', 'remote answer']);
    expect([atA.peer.state, atB.peer.state]).toEqual(['stable', 'stable']);
    expect(atA.session).toBe(atB.session);
    await close();
  });

  it('runs by itself on negotiationneeded, and concurrent requests share one exchange', async () => {
    const { atA, atB, close } = await connected();
    atA.peer.needNegotiation();
    await vi.waitFor(() => expect(atB.peer.log.at(-1)).toBe('local answer'));
    await vi.waitFor(() => expect(atA.peer.state).toBe('stable'));
    const before = atB.peer.log.filter((l) => l === 'remote offer').length;
    const first = atA.renegotiate(); // starts at once
    const [second, third] = [atA.renegotiate(), atA.renegotiate()]; // queued behind it: one more exchange
    expect(second).toBe(third);
    await Promise.all([first, second, third]);
    expect(atB.peer.log.filter((l) => l === 'remote offer').length - before).toBe(2);
    await close();
  });

  it('glare: the accepting side (polite) rolls back, answers, then offers again; both settle', async () => {
    const { a, atA, atB, close } = await connected();
    await Promise.all([atA.renegotiate(), atB.renegotiate()]);
    expect(a.agent.rejected.RenegotiationGlareIgnored).toBe(1);
    expect(atB.peer.log).toContain('rollback');
    expect(atA.peer.log.filter((l) => l === 'remote offer')).toHaveLength(1);
    expect([atA.peer.state, atB.peer.state]).toEqual(['stable', 'stable']);
    await close();
  });

  it('an own renegotiation asked for while answering the peer waits for that answer, then offers', async () => {
    const { atA, atB, b, close } = await connected();
    let open = () => {};
    atB.peer.answerGate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const fromA = atA.renegotiate();
    await vi.waitFor(() => expect(atB.peer.state).toBe('have-remote-offer')); // B is mid-answer
    const fromB = atB.renegotiate();
    await new Promise((r) => setTimeout(r, 20));
    expect(atB.peer.log.at(-1)).toBe('remote offer'); // B has not offered into have-remote-offer
    atB.peer.answerGate = undefined;
    open();
    await Promise.all([fromA, fromB]);
    expect(atB.peer.log.slice(-4)).toEqual(['remote offer', 'local answer', 'local offer', 'remote answer']);
    expect([atA.peer.state, atB.peer.state]).toEqual(['stable', 'stable']);
    expect(b.errors).toEqual([]);
    await close();
  });

  it('an offer signing another DTLS fingerprint ends the connection with FingerprintMismatchError', async () => {
    // A's 2nd description (the renegotiation offer) signs a fingerprint that is not its certificate's.
    const { atA, atB, b, close } = await connected({ aLiesFrom: 2 });
    const outcome = await atA.renegotiate().catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(PeerRejectedError);
    expect((outcome as PeerRejectedError).reason).toBe('FingerprintMismatchError');
    expect(b.errors.map((e) => e.name)).toEqual(['FingerprintMismatchError']);
    expect(atB.peer.log.filter((l) => l === 'remote offer')).toHaveLength(1); // never applied
    expect(await atB.ended).toBe('FingerprintMismatchError');
    expect(await atA.ended).toBe('FingerprintMismatchError');
    expect([atA.peer.closed, atB.peer.closed]).toEqual([true, true]);
    await expect(atA.renegotiate()).rejects.toBeInstanceOf(PeerRejectedError);
    await close();
  });

  it('no answer in time: SessionTimeoutError, the local offer is rolled back, the connection stays', async () => {
    const { atA, atB, close } = await connected();
    atB.peer.hangAnswers = true;
    const t = performance.now();
    await expect(atA.renegotiate()).rejects.toBeInstanceOf(SessionTimeoutError);
    expect(performance.now() - t).toBeLessThan(1_500);
    expect(atA.peer.log.at(-1)).toBe('rollback');
    expect(atA.peer.closed).toBe(false);
    await close();
  });

  it('an offer the peer connection refuses is not answered: that renegotiation times out, the connection stays', async () => {
    const { atA, atB, b, close } = await connected();
    const apply = atB.peer.setRemoteDescription;
    atB.peer.setRemoteDescription = async () => {
      atB.peer.setRemoteDescription = apply; // once
      throw new Error('offer does not fit');
    };
    const logged = atB.peer.log.length;
    await expect(atA.renegotiate()).rejects.toBeInstanceOf(SessionTimeoutError);
    expect(b.agent.rejected.DescriptionRejectedError).toBe(1);
    expect(atB.peer.log.length).toBe(logged); // nothing applied, no answer made
    expect([atA.peer.closed, atB.peer.closed]).toEqual([false, false]);
    await atA.renegotiate();
    expect(atB.peer.log.slice(-2)).toEqual(['remote offer', 'local answer']);
    await close();
  });

  it('closing the connection rejects a pending renegotiation', async () => {
    const { atA, atB, close } = await connected();
    atB.peer.hangAnswers = true;
    const pending = atA.renegotiate();
    await vi.waitFor(() => expect(atB.peer.log.at(-1)).toBe('remote offer'));
    await atA.close();
    await expect(pending).rejects.toMatchObject({ name: 'TransportClosedError' });
    await close();
  });
});
