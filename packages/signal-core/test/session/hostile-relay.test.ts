/**
 * A relay in the middle that turns hostile once A and B are connected: it injects frames under
 * either side's sender label, holds genuine frames back and delivers them later, or twice. It can
 * stop the signalling it carries, but it must not end a connection that was handed over — on
 * either side — nor make one side end another session than the one a genuine `bye` names.
 */
import { describe, expect, it, vi } from 'vitest';
import { fromHex } from '../../src/exports/codec.js';
import {
  createAttemptPolicy,
  createReplayGuard,
  openEnvelope,
  sealEnvelope,
} from '../../src/exports/protocol.js';
import { createAgent } from '../../src/exports/session.js';
import {
  type Connection,
  createIdentity,
  createMemoryTrustStore,
  DescriptionRejectedError,
  type LanrtcError,
  SessionTimeoutError,
} from '../../src/index.js';
import { encodeBye } from '../../src/session/payload.js';
import { fixtureFingerprint } from './fake-peer.js';
import { createHostileRelay, type HostileRelay, type RelayedFrame } from './hostile-relay.js';
import { type NegotiatingPeer, negotiatingPeer } from './negotiating-peer.js';

/** Both agents' clock: the relay "holds a frame back" by moving it forward before delivering. */
let skew = 0;
const now = () => Date.now() + skew;

function node(relay: HostileRelay, role: 'offer' | 'answer') {
  const identity = createIdentity();
  const errors: LanrtcError[] = [];
  const incoming: Connection<NegotiatingPeer>[] = [];
  const peers: NegotiatingPeer[] = [];
  const agent = createAgent<NegotiatingPeer>({
    identity,
    transport: relay.connect(identity.id),
    trust: createMemoryTrustStore(),
    fingerprint: fixtureFingerprint(role),
    timeoutMs: 2_000,
    now,
    createPeer: ({ role: r }) => {
      const p = negotiatingPeer(r);
      peers.push(p);
      return p;
    },
  }).start();
  agent.onSessionError((e) => errors.push(e));
  agent.onConnection((c) => incoming.push(c));
  return { identity, agent, errors, incoming, peers };
}

/** A pairs with B by PIN, then connects: both ends of the connection. */
async function connected() {
  skew = 0;
  const relay = createHostileRelay();
  const a = node(relay, 'offer');
  const b = node(relay, 'answer');
  const policy = createAttemptPolicy();
  b.agent.openPairing({ mode: () => policy.mode(), policy });
  await a.agent.pair(b.identity.id, { kind: 'pin', pin: policy.pin() });
  const connect = async () => {
    const atA = await a.agent.connect(b.identity.id);
    await vi.waitFor(() => expect(b.incoming.map((c) => c.session)).toContain(atA.session));
    const atB = b.incoming.find((c) => c.session === atA.session) as Connection<NegotiatingPeer>;
    return { atA, atB };
  };
  return { relay, a, b, connect };
}

/** The envelope type of a frame as its recipient would read it (the relay can read every frame). */
function typeOf(frame: RelayedFrame): string {
  return openEnvelope(frame.bytes, { recipient: frame.to, replay: createReplayGuard(), now: now() }).type;
}

/** 'open' unless the connection has ended (what it ended with, then). */
async function state(conn: Connection<NegotiatingPeer>): Promise<string> {
  return Promise.race([conn.ended, new Promise<string>((r) => setTimeout(() => r('open'), 100))]);
}

/** The connection is up on both sides and its session still carries a full offer/answer both ways. */
async function assertUp(atA: Connection<NegotiatingPeer>, atB: Connection<NegotiatingPeer>) {
  expect([await state(atA), await state(atB)]).toEqual(['open', 'open']);
  expect([atA.peer.closed, atB.peer.closed]).toEqual([false, false]);
  await atA.renegotiate();
  await atB.renegotiate();
  expect(atA.peer.log.slice(-4)).toEqual(['local offer', 'remote answer', 'remote offer', 'local answer']);
}

describe('a hostile relay', () => {
  it('garbage under the peer’s sender label is dropped and counted; both sides stay connected', async () => {
    const { relay, a, b, connect } = await connected();
    const { atA, atB } = await connect();
    const before = relay.sent.length;
    // Three bytes that claim version 1, type `answer`, then end: they cannot even be parsed.
    relay.inject(b.identity.id, a.identity.id, new Uint8Array([1, 2, 3]));
    relay.inject(a.identity.id, b.identity.id, new Uint8Array([1, 2, 3]));
    // A frame that parses, carries A's key and the live session's id, but is not A's signature.
    const forged = sealEnvelope(createIdentity(), {
      type: 'bye',
      recipient: b.identity.id,
      session: fromHex(atA.session ?? '') as Uint8Array,
      counter: 1_000,
      timestamp: now(),
      payload: encodeBye('closed'),
    });
    forged.set(a.identity.publicKey, 2);
    relay.inject(b.identity.id, a.identity.id, forged);
    await vi.waitFor(() => {
      expect(b.agent.rejected.MalformedInputError).toBe(1);
      expect(b.agent.rejected.InvalidSignatureError).toBe(1);
      expect(a.agent.rejected.MalformedInputError).toBe(1);
    });
    // Nobody answered the relay's frames (a signed answer to a label is a frame the relay can aim).
    expect(relay.sent.slice(before).map(typeOf)).toEqual([]);
    await assertUp(atA, atB);
    expect([a.errors, b.errors]).toEqual([[], []]);
    await Promise.all([a.agent.close(), b.agent.close()]);
  });

  it('a genuine bye delivered 24.5 s late, or twice, ends no other session than the one it names', async () => {
    const { relay, a, b, connect } = await connected();
    // 1. A session-less bye B signed (older agents send one after a frame they could not verify),
    // held back 24.5 s and then delivered, while a newer A–B connection is up.
    const sessionless = sealEnvelope(b.identity, {
      type: 'bye',
      recipient: a.identity.id,
      session: new Uint8Array(16),
      counter: now(),
      timestamp: now(),
      payload: encodeBye('MalformedInputError'),
    });
    skew += 24_500;
    const first = await connect();
    relay.inject(a.identity.id, b.identity.id, sessionless);
    await vi.waitFor(() => expect(a.agent.rejected.SessionlessByeIgnored).toBe(1));
    await assertUp(first.atA, first.atB);

    // 2. B closes the first connection; its `bye closed` is held back. A closes its end too, connects
    // again, and only then does the old bye arrive (24.5 s later), and once more.
    relay.hold((f) => f.from === b.identity.id && typeOf(f) === 'bye');
    await first.atB.close();
    await first.atA.close();
    relay.hold(undefined);
    skew += 24_500;
    const second = await connect();
    const [oldBye] = relay.held;
    expect(oldBye && typeOf(oldBye)).toBe('bye');
    relay.release(oldBye as RelayedFrame);
    relay.inject(a.identity.id, b.identity.id, (oldBye as RelayedFrame).bytes);
    await vi.waitFor(() => {
      expect(a.agent.rejected.UnknownSessionError).toBe(1);
      expect(a.agent.rejected.ReplayedEnvelopeError).toBe(1);
    });
    await assertUp(second.atA, second.atB);
    expect([a.errors, b.errors]).toEqual([[], []]);
    await Promise.all([a.agent.close(), b.agent.close()]);
  });

  it('a renegotiation offer held back past its deadline, delivered after a newer exchange, is dropped as stale', async () => {
    const { relay, a, b, connect } = await connected();
    const { atA, atB } = await connect();
    relay.hold((f) => f.from === a.identity.id && typeOf(f) === 'offer');
    await expect(atA.renegotiate()).rejects.toThrow(SessionTimeoutError);
    relay.hold(undefined);
    const [oldOffer] = relay.held;
    await atA.renegotiate();
    const applied = [...atB.peer.log];
    relay.release(oldOffer as RelayedFrame);
    await vi.waitFor(() => expect(b.agent.rejected.StaleRenegotiationIgnored).toBe(1));
    // B did not go back to the older description (a real stack would undo the newer exchange with
    // it, or refuse it and end the connection).
    expect(atB.peer.log).toEqual(applied);
    await assertUp(atA, atB);
    expect([a.errors, b.errors]).toEqual([[], []]);
    await Promise.all([a.agent.close(), b.agent.close()]);
  });

  it('a renegotiation answer held back past its deadline, released during the next offer, fails only that renegotiation', async () => {
    const { relay, a, b, connect } = await connected();
    const { atA, atB } = await connect();
    relay.hold((f) => f.from === b.identity.id && typeOf(f) === 'answer');
    await expect(atA.renegotiate()).rejects.toThrow(SessionTimeoutError);
    const next = atA.renegotiate();
    await vi.waitFor(() => expect(relay.held).toHaveLength(2));
    // The answer to the timed-out offer arrives while the next offer waits: A's stack refuses it.
    relay.release(relay.held[0] as RelayedFrame);
    await expect(next).rejects.toThrow(DescriptionRejectedError);
    expect(a.agent.rejected.DescriptionRejectedError).toBe(1);
    relay.hold(undefined);
    await assertUp(atA, atB);
    await Promise.all([a.agent.close(), b.agent.close()]);
  });

  it('a bye the session’s peer signed still ends that session at once, on both sides', async () => {
    const { a, b, connect } = await connected();
    const { atA, atB } = await connect();
    await atB.close();
    expect(await atA.ended).toBe('closed');
    expect(atA.peer.closed).toBe(true);
    await Promise.all([a.agent.close(), b.agent.close()]);
  });
});
