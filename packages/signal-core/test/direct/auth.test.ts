import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDirectAuth } from '../../src/direct/auth.js';
import { decodeAuthMessage } from '../../src/direct/auth-messages.js';
import { type ChannelAuthPort, channelAuthPort } from '../../src/direct/auth-port.js';
import {
  AuthTimeoutError,
  FingerprintMismatchError,
  InvalidArgumentError,
  InvalidSignatureError,
  MalformedInputError,
  NotPairedError,
  PairingFailedError,
  PairingLockedError,
  PairingNotOpenError,
  PeerRejectedError,
  TransportClosedError,
  UnexpectedSenderError,
  UnsupportedVersionError,
} from '../../src/errors.js';
import { PAIRING_VERSION } from '../../src/pairing/messages.js';
import { createAttemptPolicy } from '../../src/pairing/policy.js';
import type { PairingWindow } from '../../src/session/agent.js';
import { outcome, portPair, runBoth, type SideExtra, side, trustEachOther } from './ports.js';

const run = runBoth;

const reason = (e: unknown) => (e as PeerRejectedError).reason;
const lastSentType = (sent: Uint8Array[]) => decodeAuthMessage(sent[sent.length - 1] as Uint8Array);

afterEach(() => {
  vi.useRealTimers();
});

describe('runDirectAuth — proof path', () => {
  it('authenticates two peers that trust each other, both ways, and releases every listener', async () => {
    const [i, r] = [side(), side()];
    await trustEachOther(i, r);
    const t = run(i, r);
    const [io, ro] = [await t.i, await t.r];
    expect(io.value).toEqual({
      remote: { publicKey: r.identity.publicKey, id: r.identity.id },
      paired: false,
      session: expect.any(Uint8Array),
    });
    expect(ro.value).toEqual({
      remote: { publicKey: i.identity.publicKey, id: i.identity.id },
      paired: false,
      session: expect.any(Uint8Array),
    });
    // Both sides derive the same 16-byte connection id, the session of its renegotiation envelopes.
    expect(io.value?.session).toHaveLength(16);
    expect(io.value?.session).toEqual(ro.value?.session);
    expect(t.ports.a.listeners()).toBe(0);
    expect(t.ports.b.listeners()).toBe(0);
    // hello, proof (the responder's first, then its accept)
    expect(t.ports.a.sent.map((m) => m[1])).toEqual([1, 2]);
    expect(t.ports.b.sent.map((m) => m[1])).toEqual([1, 2, 4]);
  });

  it('accepts a rotated certificate (signed through the proof) and records it in both stores', async () => {
    const [i, r] = [side(), side()];
    await trustEachOther(i, r, { x: new Uint8Array(32).fill(7), y: new Uint8Array(32).fill(8) });
    const t = run(i, r);
    expect((await t.i).value?.paired).toBe(false);
    expect((await t.r).value?.paired).toBe(false);
    const fpsOfI = (await r.trust.get(i.identity.id))?.fingerprints.map((f) => f.fingerprint);
    expect(fpsOfI).toEqual([new Uint8Array(32).fill(7), i.fingerprint]);
    const fpsOfR = (await i.trust.get(r.identity.id))?.fingerprints.map((f) => f.fingerprint);
    expect(fpsOfR).toEqual([new Uint8Array(32).fill(8), r.fingerprint]);
  });

  it('lets an initiator accept the card identity it expected without a trust record', async () => {
    const [i, r] = [side(), side()];
    await trustEachOther(i, r);
    await i.trust.delete(r.identity.id);
    const t = run(i, r, { i: { expectedPeerId: r.identity.id } });
    expect((await t.i).value?.remote.id).toBe(r.identity.id);
    expect((await t.r).value?.remote.id).toBe(i.identity.id);
  });

  it('refuses an unknown initiator: NotPairedError on the responder, PeerRejectedError on the initiator', async () => {
    const [i, r] = [side(), side()];
    await trustEachOther(i, r);
    await r.trust.delete(i.identity.id);
    const t = run(i, r);
    const [io, ro] = [await t.i, await t.r];
    expect(ro.error).toBeInstanceOf(NotPairedError);
    expect(io.error).toBeInstanceOf(PeerRejectedError);
    expect(reason(io.error)).toBe('NotPairedError');
    // The responder never sent a proof to a stranger.
    expect(t.ports.b.sent.map((m) => m[1])).toEqual([1, 5]);
  });

  it('refuses an unknown responder on the initiator (no expected card identity) before proving itself', async () => {
    const [i, r] = [side(), side()];
    await trustEachOther(i, r);
    await i.trust.delete(r.identity.id);
    const t = run(i, r);
    expect((await t.i).error).toBeInstanceOf(NotPairedError);
    expect(reason((await t.r).error)).toBe('NotPairedError');
    expect(t.ports.a.sent.map((m) => m[1])).toEqual([1, 5]);
  });

  it('FingerprintMismatchError when the hello fingerprint is not the certificate DTLS showed', async () => {
    const [i, r] = [side(), side()];
    await trustEachOther(i, r);
    // The responder saw another certificate in DTLS than the one the initiator claims (and signs).
    const t = run(i, r, { r: { remoteFingerprint: new Uint8Array(32).fill(9) } });
    expect((await t.r).error).toBeInstanceOf(FingerprintMismatchError);
    expect(reason((await t.i).error)).toBe('FingerprintMismatchError');
  });

  it('UnexpectedSenderError on an initiator whose responder is not the card identity', async () => {
    const [i, r, other] = [side(), side(), side()];
    await trustEachOther(i, r);
    const t = run(i, r, { i: { expectedPeerId: other.identity.id } });
    expect((await t.i).error).toBeInstanceOf(UnexpectedSenderError);
    expect(reason((await t.r).error)).toBe('UnexpectedSenderError');
  });

  it('InvalidSignatureError on a tampered proof; the responder never accepts', async () => {
    const [i, r] = [side(), side()];
    await trustEachOther(i, r);
    const t = run(i, r, {
      tamper: (m, from) => {
        if (from === 'a' && m[1] === 2) m[10] = (m[10] as number) ^ 1;
        return m;
      },
    });
    expect((await t.r).error).toBeInstanceOf(InvalidSignatureError);
    expect(reason((await t.i).error)).toBe('InvalidSignatureError');
    expect(t.ports.b.sent.some((m) => m[1] === 4)).toBe(false);
  });

  it('refuses a hello reflected back with our own key', async () => {
    const r = side();
    const ports = portPair((m, from) => (from === 'b' ? m : undefined));
    const p = outcome(
      runDirectAuth(ports.b, {
        role: 'responder',
        identity: r.identity,
        trust: r.trust,
        localFingerprint: r.fingerprint,
        remoteFingerprint: r.fingerprint,
      }),
    );
    ports.b.inject(ports.b.sent[0] as Uint8Array);
    expect((await p).error).toBeInstanceOf(UnexpectedSenderError);
  });
});

describe('runDirectAuth — pairing path', () => {
  it('pairs with a QR secret; both stores hold the peer with its real fingerprint', async () => {
    const [i, r] = [side(), side()];
    const secret = new Uint8Array(16).fill(3);
    const onPaired = vi.fn();
    const window: PairingWindow = { mode: () => ({ kind: 'secret', secret }), onPaired };
    const t = run(i, r, {
      i: { pairing: { kind: 'secret', secret }, peerName: 'Front door' },
      r: { pairingWindow: window },
    });
    const [pi, pr] = [(await t.i).value, (await t.r).value];
    expect(pi).toEqual({
      remote: { publicKey: r.identity.publicKey, id: r.identity.id },
      paired: true,
      session: expect.any(Uint8Array),
    });
    expect(pr?.paired).toBe(true);
    expect(pr?.session).toEqual(pi?.session);
    expect(onPaired).toHaveBeenCalledTimes(1);
    const stored = await i.trust.get(r.identity.id);
    expect(stored?.name).toBe('Front door');
    expect(stored?.fingerprints.map((f) => f.fingerprint)).toEqual([r.fingerprint]);
    expect((await r.trust.get(i.identity.id))?.fingerprints.map((f) => f.fingerprint)).toEqual([
      i.fingerprint,
    ]);
    expect(t.ports.a.listeners() + t.ports.b.listeners()).toBe(0);
  });

  it('pairs with the PIN of an attempt policy, and the pair then authenticates on the proof path', async () => {
    const [i, r] = [side(), side()];
    const policy = createAttemptPolicy();
    const window: PairingWindow = { mode: () => policy.mode(), policy };
    const t = run(i, r, { i: { pairing: { kind: 'pin', pin: policy.pin() } }, r: { pairingWindow: window } });
    expect((await t.i).value?.paired).toBe(true);
    expect((await t.r).value?.paired).toBe(true);
    const again = run(i, r);
    expect((await again.i).value?.paired).toBe(false);
    expect((await again.r).value?.paired).toBe(false);
  });

  it('counts a wrong PIN as a failure, keeps the PIN shown, and locks after maxFailures', async () => {
    const [i, r] = [side(), side()];
    const policy = createAttemptPolicy({ maxFailures: 2, lockoutMs: 30_000 });
    const failures: string[] = [];
    const window: PairingWindow = {
      mode: () => policy.mode(),
      policy,
      onFailure: (e) => failures.push(e.name),
    };
    const wrong = (pin: string) => (pin === '135792' ? '246813' : '135792');
    for (let n = 0; n < 2; n++) {
      const shown = policy.pin();
      const t = run(i, r, {
        i: { pairing: { kind: 'pin', pin: wrong(shown) } },
        r: { pairingWindow: window },
      });
      expect((await t.i).error).toBeInstanceOf(PairingFailedError);
      expect((await t.r).error).toBeInstanceOf(PairingFailedError);
      expect(policy.pin()).toBe(shown); // someone's wrong guess does not change what the user reads
      expect(policy.state().failures).toBe(n + 1);
    }
    expect(failures).toEqual(['PairingFailedError', 'PairingFailedError']);
    // Locked: even the right PIN is refused before any PAKE message.
    const t = run(i, r, { i: { pairing: { kind: 'pin', pin: policy.pin() } }, r: { pairingWindow: window } });
    const [io, ro] = [await t.i, await t.r];
    expect(ro.error).toBeInstanceOf(PairingLockedError);
    expect(reason(io.error)).toBe('PairingLockedError');
    expect(failures).toHaveLength(2);
    expect(await r.trust.get(i.identity.id)).toBeUndefined();
    expect(await i.trust.get(r.identity.id)).toBeUndefined();
  });

  it('refuses pairing when no window is open', async () => {
    const [i, r] = [side(), side()];
    const t = run(i, r, { i: { pairing: { kind: 'secret', secret: new Uint8Array(16).fill(1) } } });
    expect((await t.r).error).toBeInstanceOf(PairingNotOpenError);
    expect(reason((await t.i).error)).toBe('PairingNotOpenError');
  });

  it('pairs in compare mode when both users confirm the same digits', async () => {
    const [i, r] = [side(), side()];
    const digits: string[] = [];
    const confirm = async (d: string) => {
      digits.push(d);
      return true;
    };
    const window: PairingWindow = { mode: () => ({ kind: 'compare' }), onCompare: confirm };
    const t = run(i, r, {
      i: { pairing: { kind: 'compare' }, onCompare: confirm },
      r: { pairingWindow: window },
    });
    expect((await t.i).value?.paired).toBe(true);
    expect((await t.r).value?.paired).toBe(true);
    expect(digits).toHaveLength(2);
    expect(digits[0]).toBe(digits[1]);
  });

  it('an initiator that walks away mid-pairing costs the responder a policy failure at the deadline', async () => {
    vi.useFakeTimers();
    const [i, r] = [side(), side()];
    const policy = createAttemptPolicy();
    const failures: string[] = [];
    const window: PairingWindow = {
      mode: () => policy.mode(),
      policy,
      onFailure: (e) => failures.push(e.name),
    };
    const shown = policy.pin();
    // The initiator's `finish` never arrives.
    const t = run(i, r, {
      i: { pairing: { kind: 'pin', pin: shown }, deadlineMs: 60_000 },
      r: { pairingWindow: window, deadlineMs: 1_000 },
      tamper: (m, from) =>
        from === 'a' && m[1] === 3 && m[2] === PAIRING_VERSION && m[3] === 3 ? undefined : m,
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await t.r).error).toBeInstanceOf(AuthTimeoutError);
    expect(failures).toEqual(['AuthTimeoutError']);
    expect(policy.state().failures).toBe(1);
    expect(policy.pin()).toBe(shown);
    expect(reason((await t.i).error)).toBe('AuthTimeoutError');
    expect(await r.trust.get(i.identity.id)).toBeUndefined();
  });
});

describe('runDirectAuth — ending', () => {
  const lone = (role: 'initiator' | 'responder', extra: SideExtra = {}) => {
    const me = side();
    const ports = portPair((m, from) => (from === 'a' ? undefined : m));
    const p = outcome(
      runDirectAuth(ports.a, {
        role,
        identity: me.identity,
        trust: me.trust,
        localFingerprint: me.fingerprint,
        remoteFingerprint: new Uint8Array(32),
        ...extra,
      }),
    );
    return { ports, p };
  };

  it('AuthTimeoutError exactly at the deadline; tells the peer and releases the listeners', async () => {
    vi.useFakeTimers();
    const { ports, p } = lone('responder', { deadlineMs: 50 });
    let done = false;
    void p.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(49);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await p).error).toBeInstanceOf(AuthTimeoutError);
    expect(lastSentType(ports.a.sent)).toEqual({ type: 5, reason: 'AuthTimeoutError' });
    expect(ports.a.listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a deadline a timer cannot hold (NaN, ≤ 0, fractional, beyond 2^31 − 1 ms) before it starts', async () => {
    const [i, r] = [side(), side()];
    for (const deadlineMs of [Number.NaN, 0, -5, 1.5, Number.POSITIVE_INFINITY, 2 ** 31]) {
      const ports = portPair();
      const p = runDirectAuth(ports.a, {
        role: 'initiator',
        identity: i.identity,
        trust: i.trust,
        localFingerprint: i.fingerprint,
        remoteFingerprint: r.fingerprint,
        deadlineMs,
      });
      await expect(p).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(ports.a.sent).toEqual([]); // nothing was sent: the run never started
    }
  });

  it('TransportClosedError when the channel closes mid-way, on both sides', async () => {
    const [i, r] = [side(), side()];
    await trustEachOther(i, r);
    // Drop the proofs so both wait, then close.
    const t = run(i, r, { tamper: (m) => (m[1] === 2 ? undefined : m) });
    await vi.waitFor(() => expect(t.ports.b.sent.length).toBe(2));
    t.ports.a.close();
    expect((await t.i).error).toBeInstanceOf(TransportClosedError);
    expect((await t.r).error).toBeInstanceOf(TransportClosedError);
    expect(t.ports.a.listeners() + t.ports.b.listeners()).toBe(0);
  });

  it('rejects with the abort reason and tells the peer; a signal aborted before the start rejects at once', async () => {
    const { ports, p } = lone('initiator');
    const ac = new AbortController();
    const again = lone('initiator', { signal: ac.signal });
    ac.abort(new Error('user cancelled'));
    expect(((await again.p).error as Error).message).toBe('user cancelled');
    expect(lastSentType(again.ports.a.sent)).toEqual({ type: 5, reason: 'Aborted' });
    expect(again.ports.a.listeners()).toBe(0);
    const pre = lone('initiator', { signal: ac.signal });
    expect(((await pre.p).error as Error).message).toBe('user cancelled');
    expect(pre.ports.a.sent).toEqual([]);
    ports.a.close();
    expect((await p).error).toBeInstanceOf(TransportClosedError);
  });

  it('a malformed or unknown-version message from the peer ends the run with that error', async () => {
    const bad = lone('responder');
    bad.ports.a.inject(Uint8Array.of(1, 99));
    expect((await bad.p).error).toBeInstanceOf(MalformedInputError);
    expect(lastSentType(bad.ports.a.sent)).toEqual({ type: 5, reason: 'MalformedInputError' });
    const v2 = lone('initiator');
    v2.ports.a.inject(Uint8Array.of(2, 1));
    expect((await v2.p).error).toBeInstanceOf(UnsupportedVersionError);
  });

  it('an accept before any proof is a protocol error, never a success', async () => {
    const { ports, p } = lone('initiator');
    ports.a.inject(Uint8Array.of(1, 4));
    expect((await p).error).toBeInstanceOf(MalformedInputError);
  });

  it('settles once: messages after the verdict are ignored', async () => {
    const { ports, p } = lone('responder');
    ports.a.inject(Uint8Array.of(1, 5, 4, 0x61, 0x62, 0x63, 0x64));
    ports.a.inject(Uint8Array.of(1, 4));
    ports.a.inject(Uint8Array.of(9, 9));
    const o = await p;
    expect(reason(o.error)).toBe('abcd');
    expect(ports.a.sent).toHaveLength(1); // only the hello: no reject answers a reject
  });
});

describe('runDirectAuth — what arrives after the last auth message', () => {
  it("gives the peer's next frame back to the port while this side still stores a new pairing", async () => {
    // The initiator pairs; its trust store is slow to write, so the responder — done first — sends
    // its first renegotiation frame while the initiator is still committing. That frame must reach
    // whoever listens on the port next (the renegotiation), not vanish with the auth run.
    const [i, r] = [side(), side()];
    const store = i.trust;
    const slowTrust: typeof store = {
      get: (id) => store.get(id),
      list: () => store.list(),
      delete: (id) => store.delete(id),
      update: async (id, fn) => {
        await new Promise((res) => setTimeout(res, 50));
        return store.update(id, fn);
      },
    };
    const secret = new Uint8Array(16).fill(7);
    const pipe = portPair();
    // The platform adapters' port (holds while nobody listens, takes messages back) over each end.
    const [a, b] = [pipe.a, pipe.b].map((end) =>
      channelAuthPort({
        send: (x) => end.send(x),
        onMessage: (l) => end.onMessage(l),
        onClose: (l) => end.onClose(l),
      }),
    ) as [ChannelAuthPort, ChannelAuthPort];
    const base = (me: typeof i, peer: typeof i) => ({
      identity: me.identity,
      localFingerprint: me.fingerprint,
      remoteFingerprint: peer.fingerprint,
    });
    const initiator = runDirectAuth(a, {
      role: 'initiator',
      ...base(i, r),
      trust: slowTrust,
      pairing: { kind: 'secret', secret },
    });
    const window: PairingWindow = { mode: () => ({ kind: 'secret', secret }) };
    const ro = await runDirectAuth(b, {
      role: 'responder',
      ...base(r, i),
      trust: r.trust,
      pairingWindow: window,
    });
    expect(ro.paired).toBe(true);
    const frame = new Uint8Array([0x52, 0x45, 0x4e, 0x45, 0x47]); // any bytes: the port does not judge them
    b.send(frame); // the responder's first frame after its success
    const io = await initiator;
    expect(io.paired).toBe(true);
    const got: number[][] = [];
    a.onMessage((bytes) => got.push([...bytes]));
    expect(got).toEqual([[...frame]]);
  });
});
