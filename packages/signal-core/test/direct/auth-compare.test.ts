import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDirectAuth } from '../../src/direct/auth.js';
import { AuthType, decodeAuthMessage, encodeAuthPairing } from '../../src/direct/auth-messages.js';
import type { DirectAuthInit } from '../../src/direct/auth-types.js';
import { AuthTimeoutError, PairingFailedError, type PeerRejectedError } from '../../src/errors.js';
import { MessageType, PAIRING_VERSION } from '../../src/pairing/messages.js';
import type { PairingWindow } from '../../src/session/agent.js';
import { outcome, portPair, type Side, side, type Tamper } from './ports.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A verdict: `true`/`false` at once, or never (`undefined`). */
type Verdict = boolean | undefined;
const verdict = (v: Verdict) => () => new Promise<boolean>((resolve) => v !== undefined && resolve(v));

/** Pair I (initiator) and R (responder) in compare mode over one in-memory pipe. */
function compare(i: Side, r: Side, say: { i: Verdict; r: Verdict }, tamper?: Tamper) {
  const ports = portPair(tamper);
  const failures: string[] = [];
  const window: PairingWindow = {
    mode: () => ({ kind: 'compare' }),
    onCompare: verdict(say.r),
    onFailure: (e) => failures.push(e.name),
  };
  const base = (me: Side, peer: Side): Omit<DirectAuthInit, 'role'> => ({
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
      onCompare: verdict(say.i),
    }),
  );
  const ro = outcome(runDirectAuth(ports.b, { role: 'responder', ...base(r, i), pairingWindow: window }));
  return { ports, io, ro, failures };
}

/** The embedded pairing message type of an auth message, if it carries one. */
function pairingType(m: Uint8Array): number | undefined {
  const d = decodeAuthMessage(m);
  return d.type === AuthType.pairing ? d.pairing[1] : undefined;
}
const isAuthReject = (m: Uint8Array) => decodeAuthMessage(m).type === AuthType.reject;

async function stored(i: Side, r: Side) {
  return {
    byI: (await i.trust.get(r.identity.id)) !== undefined,
    byR: (await r.trust.get(i.identity.id)) !== undefined,
  };
}

describe('runDirectAuth — compare mode stores only when both users accept', () => {
  it('both accept: both paired and stored; each side sent one confirm, the responder then its accept', async () => {
    const [i, r] = [side(), side()];
    const t = compare(i, r, { i: true, r: true });
    expect((await t.io).value?.paired).toBe(true);
    expect((await t.ro).value?.paired).toBe(true);
    expect(await stored(i, r)).toEqual({ byI: true, byR: true });
    expect(t.ports.a.sent.map(pairingType).filter((x) => x !== undefined)).toEqual([
      1,
      3,
      MessageType.confirm,
    ]);
    expect(t.ports.b.sent.map(pairingType).filter((x) => x !== undefined)).toEqual([2, MessageType.confirm]);
    expect(decodeAuthMessage(t.ports.b.sent.at(-1) as Uint8Array).type).toBe(AuthType.accept);
  });

  it('the initiator says no while the responder says yes: both fail, neither stores', async () => {
    const [i, r] = [side(), side()];
    const t = compare(i, r, { i: false, r: true });
    expect((await t.io).error).toBeInstanceOf(PairingFailedError);
    expect((await t.ro).error).toBeInstanceOf(PairingFailedError);
    expect(t.failures).toEqual(['PairingFailedError']);
    expect(await stored(i, r)).toEqual({ byI: false, byR: false });
  });

  it('the responder says no while the initiator says yes: both fail, neither stores', async () => {
    const [i, r] = [side(), side()];
    const t = compare(i, r, { i: true, r: false });
    expect((await t.io).error).toBeInstanceOf(PairingFailedError);
    expect((await t.ro).error).toBeInstanceOf(PairingFailedError);
    expect(await stored(i, r)).toEqual({ byI: false, byR: false });
  });

  it('a forged confirm in place of the initiator’s no fails the responder, nothing stored', async () => {
    // Whoever carries the channel turns I's abort into a "yes" and drops I's reject: without K it
    // cannot make the confirm's tag.
    const [i, r] = [side(), side()];
    const forged = Uint8Array.of(PAIRING_VERSION, MessageType.confirm, ...new Uint8Array(32).fill(0x5a));
    const tamper: Tamper = (m, from) => {
      if (from !== 'a') return m;
      if (pairingType(m) === MessageType.abort) return encodeAuthPairing(forged);
      return isAuthReject(m) ? undefined : m;
    };
    const t = compare(i, r, { i: false, r: true }, tamper);
    expect((await t.ro).error).toBeInstanceOf(PairingFailedError);
    expect((await t.io).error).toBeInstanceOf(PairingFailedError);
    expect(t.failures).toEqual(['PairingFailedError']);
    expect(await stored(i, r)).toEqual({ byI: false, byR: false });
  });

  it('a confirm replayed from an earlier pairing of the same two sides is rejected', async () => {
    const [i, r] = [side(), side()];
    const first = compare(i, r, { i: true, r: true });
    expect((await first.ro).value?.paired).toBe(true);
    const oldConfirm = first.ports.a.sent.find((m) => pairingType(m) === MessageType.confirm) as Uint8Array;
    const [i2, r2] = [
      { ...i, trust: side().trust },
      { ...r, trust: side().trust },
    ];
    const tamper: Tamper = (m, from) => {
      if (from !== 'a') return m;
      if (pairingType(m) === MessageType.abort) return oldConfirm;
      return isAuthReject(m) ? undefined : m;
    };
    const t = compare(i2, r2, { i: false, r: true }, tamper);
    expect((await t.ro).error).toBeInstanceOf(PairingFailedError);
    expect((await t.io).error).toBeInstanceOf(PairingFailedError);
    expect(await stored(i2, r2)).toEqual({ byI: false, byR: false });
  });

  it('an initiator verdict that never comes: the responder who said yes times out, nothing stored', async () => {
    vi.useFakeTimers();
    const [i, r] = [side(), side()];
    const t = compare(i, r, { i: undefined, r: true });
    let done = 0;
    void t.io.then(() => done++);
    void t.ro.then(() => done++);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(done).toBe(0); // the responder's yes alone does not pair it
    expect(await stored(i, r)).toEqual({ byI: false, byR: false });
    await vi.advanceTimersByTimeAsync(1);
    expect((await t.io).error).toBeInstanceOf(AuthTimeoutError);
    // The initiator's deadline comes first; its reject ends the responder's pairing at once.
    const re = (await t.ro).error as PairingFailedError;
    expect(re).toBeInstanceOf(PairingFailedError);
    expect((re.cause as PeerRejectedError).reason).toBe('AuthTimeoutError');
    expect(t.failures).toEqual(['PairingFailedError']);
    expect(await stored(i, r)).toEqual({ byI: false, byR: false });
  });

  it('the peer’s no ends a run whose user is still deciding, at once', async () => {
    const [i, r] = [side(), side()];
    const t = compare(i, r, { i: undefined, r: false }); // I's user never answers
    expect((await t.io).error).toBeInstanceOf(PairingFailedError);
    expect((await t.ro).error).toBeInstanceOf(PairingFailedError);
    expect(await stored(i, r)).toEqual({ byI: false, byR: false });
  });

  it('a prompt still showing when the run fails is aborted with the error that ended it', async () => {
    const [i, r] = [side(), side()];
    const ports = portPair();
    const seen: { digits?: string; aborted?: unknown } = {};
    const io = outcome(
      runDirectAuth(ports.a, {
        role: 'initiator',
        identity: i.identity,
        trust: i.trust,
        localFingerprint: i.fingerprint,
        remoteFingerprint: r.fingerprint,
        pairing: { kind: 'compare' },
        // I's user never answers; the UI takes the prompt down when the signal fires.
        onCompare: (digits, signal) => {
          seen.digits = digits;
          expect(signal.aborted).toBe(false);
          signal.addEventListener('abort', () => {
            seen.aborted = signal.reason;
          });
          return new Promise<boolean>(() => {});
        },
      }),
    );
    const ro = outcome(
      runDirectAuth(ports.b, {
        role: 'responder',
        identity: r.identity,
        trust: r.trust,
        localFingerprint: r.fingerprint,
        remoteFingerprint: i.fingerprint,
        pairingWindow: { mode: () => ({ kind: 'compare' }), onCompare: verdict(false) },
      }),
    );
    const error = (await io).error;
    expect(error).toBeInstanceOf(PairingFailedError);
    expect((await ro).error).toBeInstanceOf(PairingFailedError);
    expect(seen.digits).toMatch(/^[0-9]{6}$/);
    expect(seen.aborted).toBe(error);
  });

  it('a prompt answered before the pairing succeeded is not aborted', async () => {
    const [i, r] = [side(), side()];
    const ports = portPair();
    const signals: { aborted: boolean }[] = [];
    const yes = (_digits: string, signal: { aborted: boolean }) => {
      signals.push(signal);
      return Promise.resolve(true);
    };
    const base = (me: Side, peer: Side) => ({
      identity: me.identity,
      trust: me.trust,
      localFingerprint: me.fingerprint,
      remoteFingerprint: peer.fingerprint,
    });
    const [io, ro] = await Promise.all([
      runDirectAuth(ports.a, {
        role: 'initiator',
        ...base(i, r),
        pairing: { kind: 'compare' },
        onCompare: yes,
      }),
      runDirectAuth(ports.b, {
        role: 'responder',
        ...base(r, i),
        pairingWindow: { mode: () => ({ kind: 'compare' }), onCompare: yes },
      }),
    ]);
    expect([io.paired, ro.paired]).toEqual([true, true]);
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
  });
});
