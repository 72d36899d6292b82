/**
 * The relay client's heartbeat against the scripted relay under fake timers: a quiet but healthy
 * relay is pinged and kept; a frozen one (socket open, nothing comes back) is detected within
 * `intervalMs + timeoutMs` and redialled, or the connection closes with `RelayUnresponsiveError`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RelayUnresponsiveError, TransportClosedError } from '../../src/errors.js';
import { createIdentity, type Identity } from '../../src/identity/identity.js';
import type { RelayError } from '../../src/index.js';
import { connect, FakeRelay } from './fake-relay.js';

const heartbeat = { intervalMs: 1_000, timeoutMs: 500 };
let me: Identity;
const pings = (relay: FakeRelay) => relay.received.filter((r) => r.frame.type === 'ping');

describe('relay client heartbeat (scripted relay, fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    me = createIdentity();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings a quiet relay and keeps the connection while it answers', async () => {
    const relay = new FakeRelay();
    const errors: RelayError[] = [];
    const { conn, states } = await connect(me, relay, { heartbeat }, { error: (e) => errors.push(e) });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(conn.state).toBe('open');
    expect(states).toEqual(['open']);
    expect(relay.sockets).toHaveLength(1);
    // One ping per quiet second (each pong resets the quiet time).
    expect(pings(relay).length).toBeGreaterThanOrEqual(8);
    expect(pings(relay).length).toBeLessThanOrEqual(10);
    expect(
      pings(relay)
        .map((p) => (p.frame as { seq: number }).seq)
        .slice(0, 3),
    ).toEqual([1, 2, 3]);
    expect(conn.stats.heartbeatTimeouts).toBe(0);
    expect(errors).toEqual([]);
    conn.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends no ping while frames keep arriving', async () => {
    const relay = new FakeRelay();
    const { conn } = await connect(me, relay, { heartbeat });
    for (let i = 0; i < 20; i++) {
      relay.current.deliver({ type: 'presence', room: 'r', id: new Uint8Array(16), present: true });
      await vi.advanceTimersByTimeAsync(400);
    }
    expect(pings(relay)).toHaveLength(0);
    conn.close();
  });

  it('detects a frozen relay within intervalMs + timeoutMs and redials (reconnect on)', async () => {
    const relay = new FakeRelay();
    const errors: RelayError[] = [];
    const { conn, states } = await connect(
      me,
      relay,
      {
        heartbeat,
        reconnect: { initialMs: 1_000, maxMs: 1_000 }, // first redial after 500–1000 ms
      },
      { error: (e) => errors.push(e) },
    );
    relay.silent = true;
    await vi.advanceTimersByTimeAsync(heartbeat.intervalMs + heartbeat.timeoutMs - 260);
    expect(conn.state).toBe('open'); // the ping is out, its deadline not reached yet
    expect(pings(relay)).toHaveLength(1);
    // The check runs every min(interval, timeout)/4 = 125 ms: detected by interval + timeout + 125.
    await vi.advanceTimersByTimeAsync(260 + 125);
    expect(conn.state).toBe('reconnecting');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RelayUnresponsiveError);
    expect(errors[0]?.reason).toBe('unresponsive');
    expect(conn.stats.heartbeatTimeouts).toBe(1);
    relay.silent = false; // the relay comes back (restarted)
    await vi.advanceTimersByTimeAsync(1_100);
    expect(conn.state).toBe('open');
    expect(states).toEqual(['open', 'reconnecting', 'open']);
    expect(relay.sockets).toHaveLength(2);
    conn.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('without reconnect a frozen relay closes the connection: messages end, send rejects', async () => {
    const relay = new FakeRelay();
    const errors: RelayError[] = [];
    const { conn, states, closes } = await connect(
      me,
      relay,
      {
        heartbeat,
        reconnect: false,
      },
      { error: (e) => errors.push(e) },
    );
    const ended = (async () => {
      for await (const _ of conn.messages) {
      }
      return 'ended';
    })();
    relay.silent = true;
    await vi.advanceTimersByTimeAsync(heartbeat.intervalMs + heartbeat.timeoutMs + 125);
    expect(states).toEqual(['open', 'closed']);
    expect(closes).toEqual([undefined]);
    expect(errors.map((e) => e.name)).toEqual(['RelayUnresponsiveError']);
    expect(await ended).toBe('ended');
    await expect(conn.send(me.id, new Uint8Array([1]))).rejects.toThrow(TransportClosedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('heartbeat: false sends nothing and never times out', async () => {
    const relay = new FakeRelay();
    const { conn } = await connect(me, relay, { heartbeat: false });
    relay.silent = true;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(pings(relay)).toHaveLength(0);
    expect(conn.state).toBe('open');
    conn.close();
  });
});
