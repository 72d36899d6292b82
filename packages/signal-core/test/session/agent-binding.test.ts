/**
 * The agent's binding rules — who may speak in a session, which identity a pairing names, which
 * certificate a connection is handed over with — each played by a third identity or a lying peer
 * over the memory network, plus the silence a frame that fails verification earns.
 */
import { describe, expect, it, vi } from 'vitest';
import { equalBytes } from '../../src/exports/codec.js';
import {
  createAttemptPolicy,
  createReplayGuard,
  openEnvelope,
  sealEnvelope,
} from '../../src/exports/protocol.js';
import { createAgent } from '../../src/exports/session.js';
import { createMemoryNetwork, type MemoryNetwork } from '../../src/exports/testing.js';
import {
  type Connection,
  createIdentity,
  createMemoryTrustStore,
  FingerprintMismatchError,
  type Identity,
  InvalidSignatureError,
  type LanrtcError,
  type SessionPeer,
} from '../../src/index.js';
import { encodeDescription } from '../../src/session/payload.js';
import answer from '../fixtures/sdp/chromium-ipv4-answer.json' with { type: 'json' };
import { fakePeer, fixtureFingerprint } from './fake-peer.js';

function node(
  net: MemoryNetwork,
  fingerprint: Uint8Array,
  opts: { remoteCert?: Uint8Array; now?: () => number } = {},
) {
  const identity = createIdentity();
  const trust = createMemoryTrustStore();
  const transport = net.connect(identity.id);
  const errors: LanrtcError[] = [];
  const connections: Connection<SessionPeer>[] = [];
  const peers: ReturnType<typeof fakePeer>[] = [];
  const agent = createAgent({
    identity,
    transport,
    trust,
    fingerprint,
    timeoutMs: 2_000,
    ...(opts.now ? { now: opts.now } : {}),
    createPeer: ({ role }) => {
      const p = fakePeer(role, opts.remoteCert);
      peers.push(p);
      return p;
    },
  }).start();
  agent.onSessionError((e) => errors.push(e));
  agent.onConnection((c) => connections.push(c));
  return { identity, transport, trust, agent, errors, connections, peers };
}

type Node = ReturnType<typeof node>;

/** `initiator` pairs with `responder` by PIN; resolves once both have stored the other. */
async function pair(initiator: Node, responder: Node): Promise<void> {
  const policy = createAttemptPolicy();
  const close = responder.agent.openPairing({ mode: () => policy.mode(), policy });
  await initiator.agent.pair(responder.identity.id, { kind: 'pin', pin: policy.pin() });
  await vi.waitFor(async () => expect(await responder.trust.get(initiator.identity.id)).toBeDefined());
  close();
}

/** Re-sign an opened envelope's content as `signer`, for `recipient` (what a relaying third party can do). */
function resign(
  signer: Identity,
  recipient: string,
  env: ReturnType<typeof openEnvelope>,
  counter = env.counter,
): Uint8Array {
  return sealEnvelope(signer, {
    type: env.type,
    recipient,
    session: env.session,
    counter,
    timestamp: Date.now(),
    payload: env.payload,
  });
}

describe('agent binding', () => {
  it('drops an answer a third identity signs into the session: the connection is to the peer asked for', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    const b = node(net, fixtureFingerprint('answer'));
    // C is paired with A too (another of A's devices), with the certificate the answer fixture
    // signs: an answer from C in A's session with B would pass every later check.
    const c = node(net, fixtureFingerprint('answer'));
    await pair(a, b);
    await pair(a, c);
    // The session id travels in the clear (envelopes are signed, not encrypted: anyone carrying the
    // frame can open it with public data): C learns it from A's offer to B and answers first, before
    // the offer has even reached B.
    let injected = 0;
    net.setTamper(({ from, to, bytes }) => {
      if (from === a.identity.id && to === b.identity.id && injected === 0) {
        const offer = openEnvelope(bytes, { recipient: b.identity.id, replay: createReplayGuard() });
        if (offer.type === 'offer') {
          injected += 1;
          const forged = sealEnvelope(c.identity, {
            type: 'answer',
            recipient: a.identity.id,
            session: offer.session,
            counter: 1,
            timestamp: Date.now(),
            payload: encodeDescription({ type: 'answer', sdp: answer.sdp }),
          });
          // Delivered at once (the memory network pushes synchronously), ahead of B's answer.
          void c.transport.send(a.identity.id, forged);
        }
      }
      return bytes;
    });
    const conn = await a.agent.connect(b.identity.id);
    expect(injected).toBe(1);
    expect(conn.remote.id).toBe(b.identity.id);
    expect(equalBytes(conn.remote.publicKey, b.identity.publicKey)).toBe(true);
    expect(a.agent.rejected.UnexpectedSenderError).toBe(1);
    await vi.waitFor(() => expect(b.connections.map((x) => x.remote.id)).toEqual([a.identity.id]));
    expect(c.connections).toEqual([]);
    await Promise.all([a.agent.close(), b.agent.close(), c.agent.close()]);
  });

  it('refuses a peer presenting its older, stored certificate while signing a new one (FingerprintMismatchError)', async () => {
    const net = createMemoryNetwork();
    const older = new Uint8Array(32).fill(9);
    const a = node(net, fixtureFingerprint('offer'), { remoteCert: older });
    // B paired with its older certificate; its answer now signs the fixture's (a new one), but the
    // DTLS handshake A sees still presents the older one. The trust store knows the older one, so
    // only the seen-equals-signed rule catches it.
    const b = node(net, older);
    await pair(a, b);
    const error = await a.agent.connect(b.identity.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FingerprintMismatchError);
    expect(a.peers.every((p) => p.closed)).toBe(true);
    expect(a.connections).toEqual([]);
    const stored = await a.trust.get(b.identity.id);
    expect(stored?.fingerprints.map((f) => equalBytes(f.fingerprint, older))).toEqual([true]);
    // B (whose check of A passed) is told, and its side ends with the reason.
    await vi.waitFor(() => expect(b.connections).toHaveLength(1));
    expect(await b.connections[0]?.ended).toBe('FingerprintMismatchError');
    await Promise.all([a.agent.close(), b.agent.close()]);
  });

  it('fails a pairing whose messages a third identity re-signs (InvalidSignatureError), nothing stored', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    const b = node(net, fixtureFingerprint('answer'));
    // C sits in the middle: A pairs with "C" using the PIN B shows, and C relays every pairing
    // message between them under its own signature. The PAKE completes — its transcript names A and
    // B — but each side's envelopes were signed by C.
    const c = { identity: createIdentity() };
    const cTransport = net.connect(c.identity.id);
    const guard = createReplayGuard();
    const relayed: string[] = [];
    const relay = (async () => {
      for await (const frame of cTransport.messages) {
        const env = openEnvelope(frame.bytes, { recipient: c.identity.id, replay: guard });
        const to = env.sender.id === a.identity.id ? b.identity.id : a.identity.id;
        relayed.push(`${env.type}→${to === a.identity.id ? 'A' : 'B'}`);
        await cTransport.send(to, resign(c.identity, to, env)).catch(() => {});
      }
    })();
    const policy = createAttemptPolicy();
    const failures: string[] = [];
    const paired: string[] = [];
    b.agent.openPairing({
      mode: () => policy.mode(),
      policy,
      onFailure: (e) => failures.push(e.name),
      onPaired: (r) => paired.push(r.peer.id),
    });
    const error = await a.agent
      .pair(c.identity.id, { kind: 'pin', pin: policy.pin() })
      .catch((e: unknown) => e);
    // A's transcript names B, its envelopes were signed by C.
    expect(error).toBeInstanceOf(InvalidSignatureError);
    // A's finish still went out before its check: B's transcript names A, signed by C.
    await vi.waitFor(() => expect(failures).toEqual(['InvalidSignatureError']));
    expect(relayed.slice(0, 3)).toEqual(['pairing→B', 'pairing→A', 'pairing→B']);
    expect(paired).toEqual([]);
    expect(await a.trust.list()).toEqual([]);
    expect(await b.trust.list()).toEqual([]);
    await Promise.all([a.agent.close(), b.agent.close()]);
    cTransport.close();
    await relay;
  });

  it('answers no frame that fails verification: it is dropped and counted, whatever label it comes with', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    const c = createIdentity();
    const cTransport = net.connect(c.id);
    // Everything A sends: an answer to a frame it could not verify would go wherever the
    // (unauthenticated) label points, a frame a relay could aim.
    let sentByA = 0;
    net.setTamper(({ from, bytes }) => {
      if (from === a.identity.id) sentByA += 1;
      return bytes;
    });
    for (let i = 1; i <= 5; i++) {
      const bytes = sealEnvelope(c, {
        type: 'offer',
        recipient: a.identity.id,
        session: new Uint8Array(16).fill(1),
        counter: i,
        timestamp: Date.now(),
        payload: new Uint8Array([1, 2, 3]),
      });
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1; // the signature no longer verifies
      await cTransport.send(a.identity.id, bytes);
      await cTransport.send(a.identity.id, bytes.subarray(0, 3)); // and one cut to 3 bytes
    }
    await vi.waitFor(() => {
      expect(a.agent.rejected.InvalidSignatureError).toBe(5);
      expect(a.agent.rejected.MalformedInputError).toBe(5);
    });
    expect(sentByA).toBe(0);
    cTransport.close();
    await a.agent.close();
  });
});
