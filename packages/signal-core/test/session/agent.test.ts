import { describe, expect, it, vi } from 'vitest';
import { equalBytes } from '../../src/exports/codec.js';
import { createAttemptPolicy } from '../../src/exports/protocol.js';
import { createAgent } from '../../src/exports/session.js';
import { createMemoryNetwork, type MemoryNetwork } from '../../src/exports/testing.js';
import type { TrustStore } from '../../src/index.js';
import {
  type Connection,
  createIdentity,
  createMemoryTrustStore,
  type LanrtcError,
  NotPairedError,
  PairingFailedError,
  PairingLockedError,
  type PeerRejectedError,
  type SessionPeer,
} from '../../src/index.js';
import { fakePeer, fixtureFingerprint } from './fake-peer.js';

/** An in-memory trust store whose writes take `ms` (as a file store's fsyncs do). */
function slowStore(ms: number): TrustStore {
  const inner = createMemoryTrustStore();
  return {
    get: (id) => inner.get(id),
    list: () => inner.list(),
    delete: (id) => inner.delete(id),
    update: async (id, fn) => {
      await new Promise((r) => setTimeout(r, ms));
      return inner.update(id, fn);
    },
  };
}

function node(
  net: MemoryNetwork,
  fingerprint: Uint8Array,
  remoteCert?: Uint8Array,
  store?: TrustStore,
  timeoutMs = 2_000,
  /** What this node's peers' `connected()` waits for. */
  connecting?: Promise<void>,
) {
  const identity = createIdentity();
  const trust = store ?? createMemoryTrustStore();
  const errors: LanrtcError[] = [];
  const incoming: string[] = [];
  const connections: Connection<SessionPeer>[] = [];
  const peers: ReturnType<typeof fakePeer>[] = [];
  const agent = createAgent({
    identity,
    transport: net.connect(identity.id),
    trust,
    fingerprint,
    timeoutMs,
    createPeer: ({ role }) => {
      const p = fakePeer(role, remoteCert, connecting);
      peers.push(p);
      return p;
    },
  }).start();
  agent.onSessionError((e) => errors.push(e));
  agent.onConnection((c) => {
    incoming.push(c.remote.id);
    connections.push(c);
  });
  return { identity, trust, agent, errors, incoming, connections, peers };
}

/** A (offerer, fixture offer's cert) and B (answerer, fixture answer's cert), paired by PIN. */
async function pairedPair(opts: { bShows?: Uint8Array; aConnecting?: Promise<void> } = {}) {
  const net = createMemoryNetwork();
  const a = node(net, fixtureFingerprint('offer'), undefined, undefined, 2_000, opts.aConnecting);
  const b = node(net, fixtureFingerprint('answer'), opts.bShows);
  const policy = createAttemptPolicy();
  b.agent.openPairing({ mode: () => policy.mode(), policy });
  await a.agent.pair(b.identity.id, { kind: 'pin', pin: policy.pin() });
  await vi.waitFor(async () => expect(await b.trust.get(a.identity.id)).toBeDefined());
  return { net, a, b, policy };
}

describe('agent', () => {
  it('hands over a connection only when the DTLS certificate equals the signed fingerprint', async () => {
    const { a, b } = await pairedPair();
    const conn = await a.agent.connect(b.identity.id);
    expect(equalBytes(conn.remoteFingerprint, fixtureFingerprint('answer'))).toBe(true);
    await vi.waitFor(() => expect(b.incoming).toEqual([a.identity.id]));
    await a.agent.close();
    await b.agent.close();
  });

  it('fails with FingerprintMismatchError when the certificate seen differs, and closes the peer', async () => {
    // B's peer claims A showed a different certificate than A signed: B must refuse and tell A.
    // Each side verifies on its own; A's check (of B) passes first here, so A's connection is
    // ended by B's bye rather than refused.
    const { a, b } = await pairedPair({ bShows: new Uint8Array(32).fill(7) });
    const outcome = await a.agent.connect(b.identity.id).then(
      (c) => c.ended,
      (e: PeerRejectedError) => e.reason,
    );
    expect(outcome).toBe('FingerprintMismatchError');
    expect(a.peers.every((p) => p.closed)).toBe(true);
    expect(b.errors.map((e) => e.name)).toEqual(['FingerprintMismatchError']);
    expect(b.incoming).toEqual([]);
    expect(b.peers.every((p) => p.closed)).toBe(true);
    await a.agent.close();
    await b.agent.close();
  });

  it('a bye while the offerer is still connecting rejects connect() with the peer’s reason; no bye back', async () => {
    // A's transport never connects; B refuses A's certificate and says so while A still waits.
    const { a, b } = await pairedPair({
      bShows: new Uint8Array(32).fill(7),
      aConnecting: new Promise(() => {}),
    });
    const error = await a.agent.connect(b.identity.id).then(
      () => undefined,
      (e: PeerRejectedError) => e,
    );
    expect(error?.name).toBe('PeerRejectedError');
    expect(error?.reason).toBe('FingerprintMismatchError');
    expect(a.peers.every((p) => p.closed)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    // A sent nothing back into the session B had ended.
    expect(b.agent.rejected.UnknownSessionError).toBeUndefined();
    await a.agent.close();
    await b.agent.close();
  });

  it('a peer connection that fails or closes by itself ends the session (no bye needed)', async () => {
    const { a, b } = await pairedPair();
    const conn = await a.agent.connect(b.identity.id);
    await vi.waitFor(() => expect(b.connections).toHaveLength(1));
    // A's side loses ICE (the other device left the network without a word).
    a.peers.at(-1)?.end('failed');
    expect(await conn.ended).toBe('failed');
    expect(a.peers.at(-1)?.closed).toBe(true);
    // B's connection closes by itself (its remote went away): ended, peer closed, session gone.
    b.peers.at(-1)?.end('closed');
    expect(await b.connections[0]?.ended).toBe('peer-closed');
    expect(b.peers.at(-1)?.closed).toBe(true);
    // The sessions are gone on both sides: a new connection works as the first did.
    const again = await a.agent.connect(b.identity.id);
    await again.close();
    expect(await again.ended).toBe('closed'); // our own close is `closed`, not the peer's
    await a.agent.close();
    await b.agent.close();
  });

  it('an agent that closes says bye: the sessions of its peers end at once', async () => {
    const { a, b } = await pairedPair();
    const conn = await a.agent.connect(b.identity.id);
    await vi.waitFor(() => expect(b.connections).toHaveLength(1));
    await a.agent.close();
    expect(await b.connections[0]?.ended).toBe('closed');
    expect(b.peers.at(-1)?.closed).toBe(true);
    expect(await conn.ended).toBe('closed');
    await b.agent.close();
  });

  it('holds at most one pairing start per peer behind the running one; a burst is refused at once', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    const b = node(net, fixtureFingerprint('answer'));
    const policy = createAttemptPolicy();
    b.agent.openPairing({ mode: () => policy.mode(), policy });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        a.agent.pair(b.identity.id, { kind: 'pin', pin: policy.pin() }).then(
          () => 'paired',
          (e: PeerRejectedError) => e.reason ?? e.name,
        ),
      ),
    );
    // The first pairs; the one queued behind it runs next; the other four are turned away.
    expect(outcomes.filter((o) => o === 'SessionLimitError')).toHaveLength(4);
    expect(outcomes[0]).toBe('paired');
    expect(b.errors.some((e) => e.name === 'SessionLimitError')).toBe(true);
    await a.agent.close();
    await b.agent.close();
  });

  it('refuses offers from identities it has not paired with', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    const b = node(net, fixtureFingerprint('answer'));
    // A believes it is paired (B is in A's store) but B never paired with A.
    await a.trust.update(b.identity.id, () => ({
      id: b.identity.id,
      publicKey: b.identity.publicKey,
      name: '',
      deviceTypes: [],
      fingerprints: [],
      firstSeen: 0,
      lastSeen: 0,
      grants: [],
      flags: [],
      failures: 0,
    }));
    const error = await a.agent.connect(b.identity.id).catch((e: unknown) => e);
    expect((error as PeerRejectedError).reason).toBe('NotPairedError');
    expect(b.incoming).toEqual([]);
    await expect(b.agent.connect(a.identity.id)).rejects.toThrow(NotPairedError);
    await a.agent.close();
    await b.agent.close();
  });

  it('refuses pairing when no window is open', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    const b = node(net, fixtureFingerprint('answer'));
    const error = await a.agent.pair(b.identity.id, { kind: 'pin', pin: '581937' }).catch((e: unknown) => e);
    expect((error as PeerRejectedError).reason).toBe('PairingNotOpenError');
    await a.agent.close();
    await b.agent.close();
  });

  it('counts wrong PINs in the policy, locks after 5, and refuses even the right PIN while locked', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    const b = node(net, fixtureFingerprint('answer'));
    const policy = createAttemptPolicy({ maxFailures: 5 });
    const failures: string[] = [];
    b.agent.openPairing({ mode: () => policy.mode(), policy, onFailure: (e) => failures.push(e.name) });
    for (let i = 0; i < 5; i++) {
      const wrong = policy.pin() === '582914' ? '582915' : '582914';
      await expect(a.agent.pair(b.identity.id, { kind: 'pin', pin: wrong })).rejects.toThrow(
        PairingFailedError,
      );
      // The responder records the failure when the finish message arrives; wait for the rotation.
      await vi.waitFor(() => expect(failures).toHaveLength(i + 1));
    }
    expect(policy.retryAfterMs()).toBeGreaterThan(0);
    const locked = await a.agent
      .pair(b.identity.id, { kind: 'pin', pin: policy.pin() })
      .catch((e: unknown) => e);
    expect((locked as PeerRejectedError).reason).toBe(PairingLockedError.code);
    expect(await b.trust.get(a.identity.id)).toBeUndefined();
    await a.agent.close();
    await b.agent.close();
  });

  it('counts a pairing attempt the initiator abandons after the first reply as a failure', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    const b = node(net, fixtureFingerprint('answer'));
    const policy = createAttemptPolicy();
    const pinBefore = policy.pin();
    b.agent.openPairing({ mode: () => policy.mode(), policy });
    // A guesser sends the hello, reads the response (enough for an offline check) and walks away:
    // drop A's finish message in transit.
    let pairingFrames = 0;
    net.setTamper(({ from, bytes }) => (from === a.identity.id && ++pairingFrames === 2 ? undefined : bytes));
    await expect(a.agent.pair(b.identity.id, { kind: 'pin', pin: pinBefore })).resolves.toBeDefined();
    // B times out (2 s here), aborts, and the policy counts it; the PIN shown stays.
    await vi.waitFor(() => expect(policy.state().failures).toBe(1), { timeout: 4_000 });
    expect(policy.pin()).toBe(pinBefore);
    expect(await b.trust.get(a.identity.id)).toBeUndefined();
    await a.agent.close();
    await b.agent.close();
  });

  it.each([
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ])(
    'numeric comparison: phone says %s, device says %s → both paired only if both say yes',
    async (phoneOk, deviceOk) => {
      const net = createMemoryNetwork();
      const a = node(net, fixtureFingerprint('offer'));
      const b = node(net, fixtureFingerprint('answer'));
      const shown: string[] = [];
      const deviceFailures: string[] = [];
      const devicePaired: string[] = [];
      b.agent.openPairing({
        mode: () => ({ kind: 'compare' }),
        onCompare: async (digits) => {
          shown.push(`device:${digits}`);
          return deviceOk;
        },
        onFailure: (e) => deviceFailures.push(e.name),
        onPaired: (r) => devicePaired.push(r.peer.id),
      });
      const result = await a.agent
        .pair(
          b.identity.id,
          { kind: 'compare' },
          {
            onCompare: async (digits) => {
              shown.push(`phone:${digits}`);
              return phoneOk;
            },
          },
        )
        .then(
          () => 'paired',
          (e: LanrtcError) => e.name,
        );
      const both = phoneOk && deviceOk;
      // A no on either side fails both: the phone's pair() and the device's window, each with a typed error.
      expect(result).toBe(both ? 'paired' : 'PairingFailedError');
      await vi.waitFor(() => expect(devicePaired.length + deviceFailures.length).toBe(1));
      expect(deviceFailures).toEqual(both ? [] : ['PairingFailedError']);
      expect(devicePaired).toEqual(both ? [a.identity.id] : []);
      // The phone sends its finish before its user's verdict, so both screens show the same digits.
      const digits = shown.map((x) => x.split(':')[1]);
      expect(digits.every((d) => /^\d{6}$/.test(d as string) && d === digits[0])).toBe(true);
      // Nobody stores a peer whose user said no, and both store when both said yes.
      expect((await a.trust.get(b.identity.id)) !== undefined).toBe(both);
      expect((await b.trust.get(a.identity.id)) !== undefined).toBe(both);
      await a.agent.close();
      await b.agent.close();
    },
  );

  it('numeric comparison: the device user saying no after the phone said yes fails the phone, nothing stored', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    const b = node(net, fixtureFingerprint('answer'));
    let phoneSaidYes!: () => void;
    const phoneDone = new Promise<void>((r) => {
      phoneSaidYes = r;
    });
    const deviceFailures: string[] = [];
    b.agent.openPairing({
      mode: () => ({ kind: 'compare' }),
      // The device's user decides only after the phone's confirm has gone out.
      onCompare: async () => {
        await phoneDone;
        await new Promise((r) => setTimeout(r, 50));
        return false;
      },
      onFailure: (e) => deviceFailures.push(e.name),
    });
    const outcome = a.agent.pair(
      b.identity.id,
      { kind: 'compare' },
      {
        onCompare: async () => {
          queueMicrotask(phoneSaidYes);
          return true;
        },
      },
    );
    await expect(outcome).rejects.toThrow(PairingFailedError);
    await vi.waitFor(() => expect(deviceFailures).toEqual(['PairingFailedError']));
    expect(await a.trust.get(b.identity.id)).toBeUndefined();
    expect(await b.trust.get(a.identity.id)).toBeUndefined();
    await a.agent.close();
    await b.agent.close();
  });

  it('numeric comparison: a device verdict that never comes times out both sides, nothing stored', async () => {
    const net = createMemoryNetwork();
    // 250 ms steps: the comparison deadline (4 steps) is 1 s.
    const a = node(net, fixtureFingerprint('offer'), undefined, undefined, 250);
    const b = node(net, fixtureFingerprint('answer'), undefined, undefined, 250);
    const deviceFailures: string[] = [];
    const deviceAborted: string[] = [];
    b.agent.openPairing({
      mode: () => ({ kind: 'compare' }),
      // The device's user never answers; its prompt is taken down when the pairing fails.
      onCompare: (_digits, signal) => {
        signal.addEventListener('abort', () => deviceAborted.push((signal.reason as LanrtcError).name));
        return new Promise<boolean>(() => {});
      },
      onFailure: (e) => deviceFailures.push(e.name),
    });
    const started = Date.now();
    const error = await a.agent
      .pair(b.identity.id, { kind: 'compare' }, { onCompare: async () => true })
      .catch((e: LanrtcError) => e);
    expect((error as LanrtcError).name).toBe('SessionTimeoutError');
    expect((error as LanrtcError).message).toBe('the comparison was not confirmed by both users in time');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await vi.waitFor(() => expect(deviceFailures).toHaveLength(1), { timeout: 3_000 });
    expect(deviceAborted).toEqual(deviceFailures);
    expect(await a.trust.get(b.identity.id)).toBeUndefined();
    expect(await b.trust.get(a.identity.id)).toBeUndefined();
    await a.agent.close();
    await b.agent.close();
  });

  it('refuses compare mode when the application gave no way to show the digits', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    const b = node(net, fixtureFingerprint('answer'));
    b.agent.openPairing({ mode: () => ({ kind: 'compare' }) });
    await expect(a.agent.pair(b.identity.id, { kind: 'compare' })).rejects.toThrow(PairingFailedError);
    expect(await b.trust.get(a.identity.id)).toBeUndefined();
    await a.agent.close();
    await b.agent.close();
  });

  it('accepts a connect sent the moment pair() returns, though the responder is still storing', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    // B's trust store writes take 30 ms (a file store fsyncs): the offer arrives before it is done.
    const b = node(net, fixtureFingerprint('answer'), undefined, slowStore(30));
    const policy = createAttemptPolicy();
    b.agent.openPairing({ mode: () => policy.mode(), policy });
    await a.agent.pair(b.identity.id, { kind: 'pin', pin: policy.pin() });
    const conn = await a.agent.connect(b.identity.id); // no waiting for B's trust store
    expect(conn.remote.id).toBe(b.identity.id);
    await a.agent.close();
    await b.agent.close();
  });

  it('lets an initiator retry at once after a wrong PIN (the failed attempt ends first)', async () => {
    const net = createMemoryNetwork();
    const a = node(net, fixtureFingerprint('offer'));
    const b = node(net, fixtureFingerprint('answer'));
    const policy = createAttemptPolicy();
    b.agent.openPairing({ mode: () => policy.mode(), policy });
    const wrongPins = ['582914', '582915', '582916'].filter((p) => p !== policy.pin());
    await expect(a.agent.pair(b.identity.id, { kind: 'pin', pin: wrongPins[0] as string })).rejects.toThrow(
      PairingFailedError,
    );
    // Retry at once: judged on its PIN (wrong again), not refused as "another attempt in progress".
    const retry = await a.agent
      .pair(b.identity.id, { kind: 'pin', pin: wrongPins[1] as string })
      .catch((e) => e);
    expect(retry).toBeInstanceOf(PairingFailedError);
    await a.agent.close();
    await b.agent.close();
  });
});
