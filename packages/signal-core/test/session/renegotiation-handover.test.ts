/**
 * A renegotiation offer that arrives while the receiving side is still handing its connection over:
 * the accepting side (a device that added a track before the first exchange ended) offers the moment
 * its own side is verified, and the connecting side (a page) may still be reading the certificate it
 * was shown or checking its trust store. The offer must be answered once that check passes — and
 * never applied when it fails.
 */
import { describe, expect, it, vi } from 'vitest';
import { createAttemptPolicy } from '../../src/exports/protocol.js';
import { createAgent } from '../../src/exports/session.js';
import { createMemoryNetwork, type MemoryNetwork } from '../../src/exports/testing.js';
import {
  type Connection,
  createIdentity,
  createMemoryTrustStore,
  type LanrtcError,
} from '../../src/index.js';
import { fixtureFingerprint } from './fake-peer.js';
import { type NegotiatingPeer, negotiatingPeer } from './negotiating-peer.js';

/** Which certificate the remote showed: the one it signed, or another. */
type Shown = 'signed' | 'other';

/** A certificate read the test finishes by hand. */
function gate() {
  let show: (shown: Shown) => void = () => {};
  const shown = new Promise<Shown>((resolve) => {
    show = resolve;
  });
  return { shown, show };
}

function node(net: MemoryNetwork, role: 'offer' | 'answer', certificateShown?: Promise<Shown>) {
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
      const p = negotiatingPeer(r);
      if (certificateShown) {
        // Reading the remote certificate takes as long as the test says (a browser's getStats).
        const read = p.remoteCertificateFingerprint.bind(p);
        p.remoteCertificateFingerprint = async () => {
          const signed = await read();
          return (await certificateShown) === 'signed' ? signed : signed?.map((x) => x ^ 0xff);
        };
      }
      peers.push(p);
      return p;
    },
  }).start();
  agent.onSessionError((e) => errors.push(e));
  agent.onConnection((c) => incoming.push(c));
  return { identity, agent, errors, incoming, peers };
}

/** A (connecting, its certificate check held by `held`) and B (accepting), paired. */
async function paired(held: Promise<Shown>) {
  const net = createMemoryNetwork();
  const a = node(net, 'offer', held);
  const b = node(net, 'answer');
  const policy = createAttemptPolicy();
  b.agent.openPairing({ mode: () => policy.mode(), policy });
  await a.agent.pair(b.identity.id, { kind: 'pin', pin: policy.pin() });
  return { a, b };
}

describe('renegotiation during the hand-over', () => {
  it("an offer that arrives before this side's certificate check is answered once the check passes", async () => {
    const held = gate();
    const { a, b } = await paired(held.shown);
    const connecting = a.agent.connect(b.identity.id);
    await vi.waitFor(() => expect(b.incoming).toHaveLength(1));
    const atB = b.incoming[0] as Connection<NegotiatingPeer>;
    const renegotiated = atB.renegotiate();
    const atAPeer = a.peers[0] as NegotiatingPeer;
    await vi.waitFor(() => expect(atB.peer.state).toBe('have-local-offer'));
    // The offer is at A, A is still checking: nothing applied yet (and it must not be dropped).
    await new Promise((r) => setTimeout(r, 50));
    expect(atAPeer.log).not.toContain('remote offer');
    held.show('signed');
    const atA = await connecting;
    await renegotiated;
    expect(atA.peer.log.slice(-2)).toEqual(['remote offer', 'local answer']);
    expect(atB.peer.log.slice(-2)).toEqual(['local offer', 'remote answer']);
    expect([atA.peer.state, atB.peer.state]).toEqual(['stable', 'stable']);
    expect(a.agent.rejected).toEqual({});
    expect([a.errors, b.errors]).toEqual([[], []]);
    await a.agent.close();
    await b.agent.close();
  });

  it('an offer waiting for a check that fails is never applied; both sessions end', async () => {
    const held = gate();
    const { a, b } = await paired(held.shown);
    const connecting = a.agent.connect(b.identity.id).catch((e: unknown) => e);
    await vi.waitFor(() => expect(b.incoming).toHaveLength(1));
    const atB = b.incoming[0] as Connection<NegotiatingPeer>;
    const renegotiated = atB.renegotiate().catch((e: unknown) => e);
    await vi.waitFor(() => expect(atB.peer.state).toBe('have-local-offer'));
    await new Promise((r) => setTimeout(r, 50));
    held.show('other'); // A sees a certificate B did not sign: its hand-over fails and tells B
    expect(await connecting).toMatchObject({ name: 'FingerprintMismatchError' });
    expect(await renegotiated).toMatchObject({
      name: 'PeerRejectedError',
      reason: 'FingerprintMismatchError',
    });
    expect((a.peers[0] as NegotiatingPeer).log).not.toContain('remote offer');
    expect(await atB.ended).toBe('FingerprintMismatchError');
    expect((a.peers[0] as NegotiatingPeer).closed).toBe(true);
    await a.agent.close();
    await b.agent.close();
  });
});
