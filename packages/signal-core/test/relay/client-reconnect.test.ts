/**
 * The reconnecting relay client against a scripted in-memory relay under fake timers: backoff growth,
 * cap and jitter bounds, re-login with a fresh challenge, re-join, the bounded send buffer, the
 * terminal cases (explicit close, `replaced`, `auth-failed`, `maxAttempts`), and no timer left behind.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { idBytesFromText } from '../../src/envelope/id-text.js';
import { TransportClosedError } from '../../src/errors.js';
import { createIdentity } from '../../src/identity/identity.js';
import { reconnectDelay } from '../../src/relay/client/backoff.js';
import { connectRelay } from '../../src/relay/client/connect.js';
import { connect, FakeRelay, FakeSocket, URL } from './fake-relay.js';

let me = createIdentity();

const peer = createIdentity().id;
const sends = (relay: FakeRelay) => relay.received.filter((r) => r.frame.type === 'send');

describe('reconnectDelay', () => {
  it('doubles from initialMs, caps at maxMs, and jitters within [ceiling/2, ceiling]', () => {
    const o = { initialMs: 250, maxMs: 10_000 };
    const ceilings = [250, 500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000];
    ceilings.forEach((c, attempt) => {
      expect(reconnectDelay(attempt, o, 0)).toBe(c / 2);
      expect(reconnectDelay(attempt, o, 0.999_999)).toBeCloseTo(c, 1);
      const d = reconnectDelay(attempt, o);
      expect(d).toBeGreaterThanOrEqual(c / 2);
      expect(d).toBeLessThan(c);
    });
    expect(reconnectDelay(10_000, o, 0.5)).toBe(7_500);
  });
});

describe('reconnecting relay client (scripted relay, fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    me = createIdentity();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('without `reconnect` a lost connection closes for good (the old behaviour)', async () => {
    const relay = new FakeRelay();
    const { conn, states, closes } = await connect(me, relay, { reconnect: false });
    relay.current.drop('shutting-down');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(relay.sockets).toHaveLength(1);
    expect(states).toEqual(['open', 'closed']);
    expect(closes).toEqual(['shutting-down']);
    await expect(conn.send(peer, new Uint8Array([1]))).rejects.toThrow(TransportClosedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('redials after a graceful shutdown, logs in with a fresh challenge, re-joins, flushes the buffer', async () => {
    const relay = new FakeRelay();
    const presence: unknown[] = [];
    const { conn, states } = await connect(me, relay, {}, { presence: (p) => presence.push(p) });
    const other = idBytesFromText(peer) as Uint8Array;
    relay.members.set('kitchen', []);
    expect(await conn.join('kitchen')).toEqual([]);
    relay.up = false;
    relay.current.drop('shutting-down');
    expect(conn.state).toBe('reconnecting');
    await conn.send(peer, new Uint8Array([7]));
    await conn.send(peer, new Uint8Array([8]));
    expect(sends(relay)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(relay.sockets.length).toBeGreaterThan(2);
    relay.up = true;
    relay.members.set('kitchen', [other]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(conn.state).toBe('open');
    expect(states).toEqual(['open', 'reconnecting', 'open']);
    const last = relay.current.index;
    const after = relay.received.filter((r) => r.socket === last).map((r) => r.frame.type);
    expect(after).toEqual(['auth', 'join', 'send', 'send']);
    expect(sends(relay).map((r) => Array.from((r.frame as { bytes: Uint8Array }).bytes))).toEqual([[7], [8]]);
    expect(relay.challenges).toHaveLength(2);
    expect(relay.challenges[0]).not.toEqual(relay.challenges[1]);
    expect(presence).toEqual([{ room: 'kitchen', id: peer, present: true }]);
    expect(conn.stats).toMatchObject({ reconnects: 1, queued: 2, dropped: 0, resent: 0 });
    expect(conn.stats.attempts).toBe(relay.sockets.length - 1);
    conn.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('backoff: redial gaps double from initialMs and stay under maxMs', async () => {
    const relay = new FakeRelay();
    const { conn } = await connect(me, relay, { reconnect: { initialMs: 100, maxMs: 800 } });
    relay.up = false;
    const dialedAt: number[] = [];
    const start = Date.now();
    relay.current.drop();
    for (let t = 0; t < 8_000; t += 5) {
      const before = relay.sockets.length;
      await vi.advanceTimersByTimeAsync(5);
      if (relay.sockets.length > before) dialedAt.push(Date.now() - start);
    }
    const gaps = dialedAt.map((t, i) => t - (i === 0 ? 0 : (dialedAt[i - 1] as number)));
    const ceilings = [100, 200, 400, 800, 800, 800];
    ceilings.forEach((c, i) => {
      // +1 ms of socket refusal and 5 ms of sampling between one dial and the next timer.
      expect(gaps[i]).toBeGreaterThanOrEqual(c / 2);
      expect(gaps[i]).toBeLessThanOrEqual(c + 10);
    });
    expect(Math.max(...gaps)).toBeLessThanOrEqual(810);
    expect(conn.state).toBe('reconnecting');
    conn.close();
    expect(conn.state).toBe('closed');
    expect(vi.getTimerCount()).toBe(0);
    const n = relay.sockets.length;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(relay.sockets).toHaveLength(n);
  });

  it('explicit close(): no redial, messages end, pending sends reject', async () => {
    const relay = new FakeRelay();
    const { conn, states, closes } = await connect(me, relay);
    const it = conn.messages[Symbol.asyncIterator]();
    const next = it.next();
    conn.close();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(relay.sockets).toHaveLength(1);
    expect(await next).toEqual({ value: undefined, done: true });
    expect(states).toEqual(['open', 'closed']);
    expect(closes).toEqual([undefined]);
    await expect(conn.send(peer, new Uint8Array([1]))).rejects.toThrow(TransportClosedError);
    await expect(conn.join('x')).rejects.toThrow(TransportClosedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close() while waiting to redial clears the timer and drops the buffer (counted)', async () => {
    const relay = new FakeRelay();
    relay.up = true;
    const { conn } = await connect(me, relay);
    relay.up = false;
    relay.current.drop();
    await conn.send(peer, new Uint8Array([1]));
    expect(vi.getTimerCount()).toBe(1);
    conn.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(conn.stats.dropped).toBe(1);
    expect(relay.sockets).toHaveLength(1);
  });

  it('`replaced` (the same identity logged in elsewhere) is terminal', async () => {
    const relay = new FakeRelay();
    const { conn, states, closes } = await connect(me, relay);
    relay.current.drop('replaced');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(relay.sockets).toHaveLength(1);
    expect(states).toEqual(['open', 'closed']);
    expect(closes).toEqual(['replaced']);
    expect(conn.closeReason).toBe('replaced');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a relay refusing the re-login (`auth-failed`) ends it: one attempt, no loop', async () => {
    const relay = new FakeRelay();
    const errors: string[] = [];
    const { conn, closes } = await connect(me, relay, {}, { error: (e) => errors.push(e.reason) });
    relay.authOk = false;
    relay.current.drop('idle-timeout');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(relay.sockets).toHaveLength(2);
    expect(conn.state).toBe('closed');
    expect(closes).toEqual(['auth-failed']);
    expect(errors).toEqual(['idle-timeout', 'auth-failed']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the first login is never retried: connectRelay rejects when the relay is down', async () => {
    const relay = new FakeRelay();
    relay.up = false;
    const pending = connectRelay({ url: URL, identity: me, WebSocket: relay.ctor, reconnect: true });
    const settled = pending.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await settled).toBeInstanceOf(Error);
    expect(relay.sockets).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up after maxAttempts failed redials in a row', async () => {
    const relay = new FakeRelay();
    const { conn, closes } = await connect(me, relay, {
      reconnect: { initialMs: 10, maxMs: 40, maxAttempts: 3 },
    });
    relay.up = false;
    relay.current.drop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(conn.stats.attempts).toBe(3);
    expect(relay.sockets).toHaveLength(4);
    expect(conn.state).toBe('closed');
    expect(closes).toEqual([undefined]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a re-login that hangs times out and is retried', async () => {
    const relay = new FakeRelay();
    const { conn } = await connect(me, relay, { timeoutMs: 500 });
    relay.authOk = true;
    relay.current.drop();
    // The next socket opens but the relay never answers: simulate by swallowing its hello.
    const accept = FakeSocket.prototype.accept;
    FakeSocket.prototype.accept = function (this: FakeSocket) {
      this.readyState = 1;
    };
    try {
      // Redial at 51–101 ms, login deadline 500 ms later, next redial 100–200 ms after that.
      await vi.advanceTimersByTimeAsync(640);
      expect(relay.sockets).toHaveLength(2);
      expect(conn.state).toBe('reconnecting');
    } finally {
      FakeSocket.prototype.accept = accept;
    }
    await vi.advanceTimersByTimeAsync(1_000);
    expect(conn.state).toBe('open');
    expect(relay.sockets).toHaveLength(3);
    conn.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the send buffer is bounded: overflow drops the oldest and counts it', async () => {
    const relay = new FakeRelay();
    const { conn } = await connect(me, relay, {
      reconnect: { initialMs: 100, maxMs: 100, maxQueuedFrames: 3 },
    });
    relay.up = false;
    relay.current.drop();
    for (let i = 1; i <= 5; i++) await conn.send(peer, new Uint8Array([i]));
    expect(conn.stats).toMatchObject({ queued: 5, dropped: 2 });
    relay.up = true;
    await vi.advanceTimersByTimeAsync(500);
    expect(sends(relay).map((r) => Array.from((r.frame as { bytes: Uint8Array }).bytes))).toEqual([
      [3],
      [4],
      [5],
    ]);
    conn.close();
  });

  it('a join made while disconnected resolves after the re-login; a leave cancels it', async () => {
    const relay = new FakeRelay();
    const { conn } = await connect(me, relay);
    relay.up = false;
    relay.current.drop();
    const joined = conn.join('a');
    const cancelled = conn.join('b').catch((e: unknown) => e);
    conn.leave('b');
    expect(await cancelled).toBeInstanceOf(TransportClosedError);
    relay.up = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await joined).toEqual([]);
    expect(
      relay.received.filter((r) => r.frame.type === 'join').map((r) => (r.frame as { room: string }).room),
    ).toEqual(['a']);
    conn.close();
  });

  it('a flushed frame whose recipient is not back yet is sent again until it is (bounded rounds)', async () => {
    const relay = new FakeRelay();
    const { conn } = await connect(me, relay, { reconnect: { initialMs: 100, maxMs: 100 } });
    relay.up = false;
    relay.current.drop('shutting-down');
    await conn.send(peer, new Uint8Array([9]));
    relay.up = true;
    relay.absent.add(peer);
    await vi.advanceTimersByTimeAsync(150);
    expect(conn.state).toBe('open');
    expect(sends(relay)).toHaveLength(1);
    // Rounds after 100, 200 ms; then the peer is back and the third round (400 ms) gets through.
    await vi.advanceTimersByTimeAsync(320);
    expect(conn.stats.resent).toBe(2);
    relay.absent.clear();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(conn.stats.resent).toBe(3);
    expect(sends(relay)).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sends(relay)).toHaveLength(4);
    expect(vi.getTimerCount()).toBe(0);
    conn.close();
  });

  it('resending gives up after four rounds when the recipient never comes back', async () => {
    const relay = new FakeRelay();
    const { conn } = await connect(me, relay, { reconnect: { initialMs: 100, maxMs: 100 } });
    relay.up = false;
    relay.current.drop();
    await conn.send(peer, new Uint8Array([9]));
    relay.up = true;
    relay.absent.add(peer);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(conn.stats.resent).toBe(4);
    expect(sends(relay)).toHaveLength(5);
    expect(vi.getTimerCount()).toBe(0);
    conn.close();
  });
});
