import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDirectAuth } from '../../src/direct/auth.js';
import { AuthType, decodeAuthMessage, encodeAuthHello } from '../../src/direct/auth-messages.js';
import { DIRECT_AUTH_COMPARE_DEADLINE_MS, DIRECT_AUTH_DEADLINE_MS } from '../../src/direct/auth-types.js';
import {
  AuthTimeoutError,
  PairingFailedError,
  type PeerRejectedError,
  TransportClosedError,
} from '../../src/errors.js';
import type { PairingWindow } from '../../src/session/agent.js';
import type { TrustStore } from '../../src/trust/store.js';
import { outcome, portPair, type Side, side, trustEachOther } from './ports.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A store whose writes wait for `release()` (a slow disk / IndexedDB), optionally then failing. */
function gatedStore(inner: TrustStore, opts: { failWrite?: boolean } = {}) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const state = { writing: false };
  const store: TrustStore = {
    get: (id) => inner.get(id),
    list: () => inner.list(),
    delete: (id) => inner.delete(id),
    async update(id, fn) {
      state.writing = true;
      await gate;
      if (opts.failWrite) throw new Error('disk full');
      return inner.update(id, fn);
    },
  };
  return { store, state, release: () => open() };
}

/** Pair `i` (initiator) with `r` (responder) over a QR secret; `gated` is whose store write is slow. */
function pairWithSlowStore(gated: 'initiator' | 'responder', opts: { failWrite?: boolean } = {}) {
  const [i, r] = [side(), side()];
  const slow = gatedStore((gated === 'initiator' ? i : r).trust, opts);
  const secret = new Uint8Array(16).fill(5);
  const window: PairingWindow = { mode: () => ({ kind: 'secret', secret }) };
  const ports = portPair();
  const common = (me: Side, peer: Side, isGated: boolean) => ({
    identity: me.identity,
    trust: isGated ? slow.store : me.trust,
    localFingerprint: me.fingerprint,
    remoteFingerprint: peer.fingerprint,
    deadlineMs: 1_000,
  });
  const io = outcome(
    runDirectAuth(ports.a, {
      role: 'initiator',
      ...common(i, r, gated === 'initiator'),
      pairing: { kind: 'secret', secret },
    }),
  );
  const ro = outcome(
    runDirectAuth(ports.b, {
      role: 'responder',
      ...common(r, i, gated === 'responder'),
      pairingWindow: window,
    }),
  );
  return { i, r, slow, ports, io, ro };
}

async function untilWriting(state: { writing: boolean }) {
  for (let n = 0; n < 200 && !state.writing; n++) await vi.advanceTimersByTimeAsync(1);
  expect(state.writing).toBe(true);
}

describe('runDirectAuth — the trust-store write is the commit point', () => {
  for (const gated of ['responder', 'initiator'] as const) {
    it(`a ${gated} whose write outlasts the deadline resolves, and the peer it stored is reported paired`, async () => {
      vi.useFakeTimers();
      const t = pairWithSlowStore(gated);
      await untilWriting(t.slow.state);
      await vi.advanceTimersByTimeAsync(5_000); // far past the 1 s deadline, mid-write
      t.slow.release();
      const me = gated === 'initiator' ? t.i : t.r;
      const peer = gated === 'initiator' ? t.r : t.i;
      const result = await (gated === 'initiator' ? t.io : t.ro);
      expect(result.error).toBeUndefined();
      expect(result.value?.paired).toBe(true);
      expect((await me.trust.get(peer.identity.id))?.fingerprints.map((f) => f.fingerprint)).toEqual([
        peer.fingerprint,
      ]);
      expect(t.ports.a.listeners() + t.ports.b.listeners()).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });
  }

  it('a responder whose port closes mid-write still resolves (stored ⇔ resolved)', async () => {
    vi.useFakeTimers();
    const t = pairWithSlowStore('responder');
    await untilWriting(t.slow.state);
    t.ports.b.close();
    t.slow.release();
    expect((await t.ro).value?.paired).toBe(true);
    expect(await t.r.trust.get(t.i.identity.id)).toBeDefined();
    // The initiator never got the accept: it fails and stores nothing.
    expect((await t.io).error).toBeInstanceOf(TransportClosedError);
    expect(await t.i.trust.get(t.r.identity.id)).toBeUndefined();
  });

  it('a failing write rejects with its error and stores nothing', async () => {
    vi.useFakeTimers();
    const t = pairWithSlowStore('responder', { failWrite: true });
    await untilWriting(t.slow.state);
    await vi.advanceTimersByTimeAsync(5_000);
    t.slow.release();
    const ro = await t.ro;
    expect((ro.error as Error).message).toBe('disk full');
    expect(await t.r.trust.get(t.i.identity.id)).toBeUndefined();
  });
});

describe('runDirectAuth — compare mode has a longer default deadline', () => {
  it('is 60 s, against 5 s otherwise', () => {
    expect(DIRECT_AUTH_DEADLINE_MS).toBe(5_000);
    expect(DIRECT_AUTH_COMPARE_DEADLINE_MS).toBe(60_000);
  });

  const compareRun = (confirmAfterMs: number | undefined) => {
    const [i, r] = [side(), side()];
    const confirm = () =>
      new Promise<boolean>((resolve) => {
        if (confirmAfterMs !== undefined) setTimeout(() => resolve(true), confirmAfterMs);
      });
    const window: PairingWindow = { mode: () => ({ kind: 'compare' }), onCompare: confirm };
    const ports = portPair();
    const base = (me: Side, peer: Side) => ({
      identity: me.identity,
      trust: me.trust,
      localFingerprint: me.fingerprint,
      remoteFingerprint: peer.fingerprint,
    });
    const io = outcome(
      runDirectAuth(ports.a, {
        role: 'initiator',
        ...base(i, r),
        pairing: { kind: 'compare' },
        onCompare: confirm,
      }),
    );
    const ro = outcome(runDirectAuth(ports.b, { role: 'responder', ...base(r, i), pairingWindow: window }));
    return { io, ro };
  };

  it('users who take 20 s to compare still pair with no deadline given', async () => {
    vi.useFakeTimers();
    const t = compareRun(20_000);
    await vi.advanceTimersByTimeAsync(20_000);
    expect((await t.io).value?.paired).toBe(true);
    expect((await t.ro).value?.paired).toBe(true);
  });

  it('the comparison still ends at 60 s from the start, on both sides', async () => {
    vi.useFakeTimers();
    const t = compareRun(undefined);
    let done = 0;
    void t.io.then(() => done++);
    void t.ro.then(() => done++);
    await vi.advanceTimersByTimeAsync(DIRECT_AUTH_COMPARE_DEADLINE_MS - 1);
    expect(done).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect((await t.io).error).toBeInstanceOf(AuthTimeoutError);
    // The initiator's deadline fires first and its reject reaches the responder at once (the
    // responder reads messages while its user decides): a failed pairing, at the same instant.
    const re = (await t.ro).error as PairingFailedError;
    expect(re).toBeInstanceOf(PairingFailedError);
    expect((re.cause as PeerRejectedError).reason).toBe('AuthTimeoutError');
  });

  it('a responder whose window is in compare mode keeps 5 s for a peer that does not ask to pair', async () => {
    vi.useFakeTimers();
    const [i, r] = [side(), side()];
    await trustEachOther(i, r);
    // A known peer sends a hello without the pairing flag, then nothing (no proof).
    const ports = portPair((m, from) => (from === 'a' ? undefined : m));
    const window: PairingWindow = { mode: () => ({ kind: 'compare' }), onCompare: async () => true };
    let settledAt: number | undefined;
    const t0 = Date.now();
    const p = outcome(
      runDirectAuth(ports.a, {
        role: 'responder',
        identity: r.identity,
        trust: r.trust,
        localFingerprint: r.fingerprint,
        remoteFingerprint: i.fingerprint,
        pairingWindow: window,
      }),
    ).then((x) => {
      settledAt = Date.now() - t0;
      return x;
    });
    ports.a.inject(
      encodeAuthHello({
        flags: 0,
        nonce: new Uint8Array(32).fill(7),
        identityKey: i.identity.publicKey,
        fingerprint: i.fingerprint,
      }),
    );
    await vi.advanceTimersByTimeAsync(DIRECT_AUTH_DEADLINE_MS - 1);
    expect(settledAt).toBeUndefined();
    // The responder did get that far: it answered the known peer's hello with its proof.
    expect(ports.a.sent.map((m) => decodeAuthMessage(m).type)).toEqual([AuthType.hello, AuthType.proof]);
    await vi.advanceTimersByTimeAsync(1);
    expect(settledAt).toBe(DIRECT_AUTH_DEADLINE_MS);
    expect((await p).error).toBeInstanceOf(AuthTimeoutError);
  });

  it('an explicit deadlineMs wins over the compare default', async () => {
    vi.useFakeTimers();
    const [i, r] = [side(), side()];
    const ports = portPair((m, from) => (from === 'a' ? m : undefined));
    const p = outcome(
      runDirectAuth(ports.a, {
        role: 'initiator',
        identity: i.identity,
        trust: i.trust,
        localFingerprint: i.fingerprint,
        remoteFingerprint: r.fingerprint,
        pairing: { kind: 'compare' },
        onCompare: async () => true,
        deadlineMs: 2_000,
      }),
    );
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await p).error).toBeInstanceOf(AuthTimeoutError);
  });
});
