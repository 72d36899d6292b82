/**
 * The relay server against real sockets on 127.0.0.1: login, routing, rooms and presence, duplicate
 * logins, hostile input, every limit (each with its error frame and counter), and graceful shutdown.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  createIdentity,
  InvalidArgumentError,
  type RelayError,
  RelayHandshakeError,
  TransportClosedError,
} from '@lanrtc/signal-core';
import {
  decodeRelayFrame,
  encodeRelayFrame,
  identityIdBytes,
  signRelayChallenge,
} from '@lanrtc/signal-core/protocol';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { attachRelay, createRelay, type ListeningRelay, type RelayLimits } from '../../src/index.js';
import { client, IN_NETNS, raw } from '../helpers.js';

describe.skipIf(!IN_NETNS)('relay server', () => {
  const relays: ListeningRelay[] = [];
  async function start(limits: Partial<RelayLimits> = {}) {
    const relay = await createRelay({ limits });
    relays.push(relay);
    return relay;
  }
  afterEach(async () => {
    for (const r of relays.splice(0)) await r.close();
  });

  it('logs in, routes by id with the authenticated sender, and answers unknown recipients', async () => {
    const relay = await start();
    const a = await client(relay.address.url);
    const bRaw = await raw(relay.address.url);
    const b = await bRaw.login();
    await a.send(b.id, new Uint8Array([5]));
    const got = await bRaw.next('deliver');
    expect(Array.from(got.bytes)).toEqual([5]);
    const errors: RelayError[] = [];
    a.close();
    const a2 = await client(relay.address.url);
    a2.onError((e) => errors.push(e));
    await a2.send(createIdentity().id, new Uint8Array([1]));
    await vi.waitFor(() => expect(errors.map((e) => e.reason)).toEqual(['unknown-recipient']));
    expect(relay.stats.errors['unknown-recipient']).toBe(1);
    expect(relay.stats.forwarded).toBe(1);
    expect(relay.stats.authenticated).toBe(2);
  });

  it('refuses a login signed for another endpoint, another challenge or with a bad signature', async () => {
    const relay = await start();
    const me = createIdentity();
    for (const mutate of [
      (ch: Uint8Array) => signRelayChallenge(me, ch, 'evil.example:1'),
      (_: Uint8Array) => signRelayChallenge(me, new Uint8Array(32), new URL(relay.address.url).host),
      (ch: Uint8Array) => signRelayChallenge(createIdentity(), ch, new URL(relay.address.url).host),
    ]) {
      const c = await raw(relay.address.url);
      const hello = await c.next('hello');
      c.send({ type: 'auth', publicKey: me.publicKey, signature: mutate(hello.challenge) });
      expect((await c.next('error')).code).toBe('auth-failed');
      expect(await c.closed).toBe(1008);
    }
    expect(relay.stats.errors['auth-failed']).toBe(3);
    expect(relay.stats.authenticated).toBe(0);
  });

  it('client refuses a relay whose hello names another endpoint', async () => {
    const relay = await start();
    const url = relay.address.url.replace('127.0.0.1', 'localhost');
    // Host header says localhost:port, which is what the client dialled: fine.
    await expect(client(url)).resolves.toBeDefined();
    // A relay claiming another endpoint (as a relay in the middle would) is refused before signing.
    const { WebSocket } = await import('ws');
    class Rewriting extends WebSocket {
      constructor(u: string) {
        super(u, { headers: { host: 'other.example:1' } });
      }
    }
    await expect(client(relay.address.url, { WebSocket: Rewriting as never })).rejects.toThrow(
      RelayHandshakeError,
    );
  });

  it('client refuses a relay that welcomes it under another id', async () => {
    // A tiny hand-written relay: a correct hello, then a `welcome` naming someone else.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    onTestFinished(async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    });
    await new Promise((r) => wss.once('listening', r));
    const { port } = wss.address() as AddressInfo;
    const closed: number[] = [];
    wss.on('connection', (ws, req) => {
      ws.on('close', (code) => closed.push(code));
      ws.on('message', (data) => {
        if (decodeRelayFrame(new Uint8Array(data as Buffer)).type !== 'auth') return;
        ws.send(encodeRelayFrame({ type: 'welcome', id: identityIdBytes(createIdentity().publicKey) }));
      });
      ws.send(
        encodeRelayFrame({
          type: 'hello',
          challenge: new Uint8Array(32),
          endpoint: req.headers.host ?? '',
          maxPayload: 65_536,
          heartbeatMs: 30_000,
        }),
      );
    });
    await expect(client(`ws://127.0.0.1:${port}/`, { timeoutMs: 3_000 })).rejects.toThrow(
      /unexpected welcome/,
    );
    await expect(client(`ws://127.0.0.1:${port}/`, { timeoutMs: 3_000 })).rejects.toBeInstanceOf(
      RelayHandshakeError,
    );
    // The client hung up on it rather than waiting for its login deadline.
    await vi.waitFor(() => expect(closed).toHaveLength(2));
  });

  it('refuses upgrades from a Host outside allowedHosts, and upgrades to another path when `path` is set', async () => {
    const relay = await createRelay({ allowedHosts: ['relay.lan:1'], path: '/relay' });
    relays.push(relay);
    const url = `${relay.address.url}relay`;
    await expect(client(url)).rejects.toThrow(RelayHandshakeError);
    const { WebSocket } = await import('ws');
    class AsRelayLan extends WebSocket {
      constructor(u: string) {
        super(u, { headers: { host: 'relay.lan:1' } });
      }
    }
    // The client dialled 127.0.0.1 but the relay names relay.lan:1 in its hello: refused before signing.
    await expect(client(url, { WebSocket: AsRelayLan as never })).rejects.toThrow(RelayHandshakeError);
    const other = new WebSocket(relay.address.url.replace(/\/$/, '/other'));
    const outcome = await new Promise((r) => {
      other.once('open', () => r('open'));
      other.once('error', () => r('refused'));
    });
    // Nobody handles the other path: the socket never opens.
    expect(outcome).toBe('refused');
    expect(relay.stats.authenticated).toBe(0);
  });

  it('newest login of an id wins; the old socket gets `replaced` and is closed', async () => {
    const relay = await start();
    const identity = createIdentity();
    const old = await client(relay.address.url, { identity });
    const fresh = await client(relay.address.url, { identity });
    await vi.waitFor(() => expect(old.closeReason).toBe('replaced'));
    await expect(old.send(fresh.localId, new Uint8Array([1]))).rejects.toThrow(TransportClosedError);
    const peer = await client(relay.address.url);
    await peer.send(identity.id, new Uint8Array([7]));
    const it = fresh.messages[Symbol.asyncIterator]();
    expect(Array.from((await it.next()).value?.bytes ?? [])).toEqual([7]);
    expect(relay.stats.errors.replaced).toBe(1);
  });

  it('rooms: join lists members, presence on join/leave/disconnect, room-full and too-many-rooms', async () => {
    const relay = await start({ maxPeersPerRoom: 2, maxRoomsPerConnection: 1 });
    const seen: string[] = [];
    const a = await client(relay.address.url);
    a.onPresence((p) => seen.push(`${p.present ? '+' : '-'}${p.id}`));
    const b = await client(relay.address.url);
    const c = await client(relay.address.url);
    expect(await a.join('kitchen')).toEqual([]);
    expect(await b.join('kitchen')).toEqual([a.localId]);
    await expect(c.join('kitchen')).rejects.toMatchObject({ name: 'RelayError', reason: 'room-full' });
    await expect(a.join('garden')).rejects.toMatchObject({ reason: 'too-many-rooms' });
    // A room name the codec would refuse never leaves the client.
    await expect(a.join('x'.repeat(65))).rejects.toThrow(InvalidArgumentError);
    b.leave('kitchen');
    expect(await c.join('kitchen')).toEqual([a.localId]);
    c.close();
    await vi.waitFor(() =>
      expect(seen).toEqual([`+${b.localId}`, `-${b.localId}`, `+${c.localId}`, `-${c.localId}`]),
    );
    expect(relay.stats.errors['room-full']).toBe(1);
    expect(relay.stats.errors['too-many-rooms']).toBe(1);
    expect(relay.stats.rooms).toBe(1);
  });

  it('caps the number of rooms on the relay', async () => {
    const relay = await start({ maxRooms: 1 });
    const a = await client(relay.address.url);
    await a.join('one');
    await expect((await client(relay.address.url)).join('two')).rejects.toMatchObject({
      reason: 'too-many-rooms',
    });
  });

  // Hostile input against the real server: each gets its error frame, its counter, and no crash.
  it.each([
    [
      'unauthenticated send',
      true,
      encodeRelayFrame({ type: 'send', to: new Uint8Array(16), bytes: new Uint8Array(1) }),
      'not-authenticated',
      1008,
    ],
    ['garbage before login', true, new Uint8Array([1, 0x99]), 'malformed-frame', 1008],
    ['garbage after login', false, new Uint8Array([1, 0x82, 1, 2]), 'malformed-frame', 1008],
    [
      'a relay-to-client frame',
      false,
      encodeRelayFrame({ type: 'welcome', id: new Uint8Array(16) }),
      'malformed-frame',
      1008,
    ],
    ['another version', false, new Uint8Array([9, 0x82]), 'unsupported-version', 1008],
    ['a text frame', false, '{"type":"send"}', 'malformed-frame', 1008],
    ['an oversized frame', false, new Uint8Array(2000), 'frame-too-large', 1009],
  ] as const)('hostile: %s', async (_, beforeLogin, bytes, code, closeCode) => {
    const relay = await start({ maxFrameBytes: 1500 });
    const c = await raw(relay.address.url);
    if (!beforeLogin) await c.login();
    else await c.next('hello');
    c.send(bytes);
    expect((await c.next('error')).code).toBe(code);
    expect(await c.closed).toBe(closeCode);
    expect(relay.stats.errors[code]).toBe(1);
    // Still serving.
    expect(await client(relay.address.url)).toBeDefined();
  });

  it('hostile: a frame beyond twice the limit is cut off by ws and counted', async () => {
    const relay = await start({ maxFrameBytes: 1000 });
    const c = await raw(relay.address.url);
    await c.login();
    c.send(new Uint8Array(5000));
    expect(await c.closed).toBe(1009);
    await vi.waitFor(() => expect(relay.stats.errors['frame-too-large']).toBe(1));
  });

  it('hostile: a flood is rate-limited (dropped and counted, one error frame per second)', async () => {
    const relay = await start({ ratePerSecond: 10, rateBurst: 20 });
    const errors: RelayError[] = [];
    const a = await client(relay.address.url);
    a.onError((e) => errors.push(e));
    const bRaw = await raw(relay.address.url);
    const b = await bRaw.login();
    for (let i = 0; i < 500; i++) await a.send(b.id, new Uint8Array([i & 0xff]));
    await vi.waitFor(() =>
      expect((relay.stats.errors['rate-limited'] ?? 0) + relay.stats.forwarded).toBe(500),
    );
    expect(relay.stats.forwarded).toBeLessThan(40);
    expect(relay.stats.errors['rate-limited']).toBeGreaterThan(460);
    expect(errors.map((e) => e.reason)).toEqual(['rate-limited']);
  });

  it('limits connections (server-full)', async () => {
    const relay = await start({ maxConnections: 1 });
    await client(relay.address.url);
    await expect(client(relay.address.url)).rejects.toMatchObject({
      name: 'RelayError',
      reason: 'server-full',
    });
    expect(relay.stats.errors['server-full']).toBe(1);
  });

  it('closes a socket that does not log in in time (auth-timeout)', async () => {
    const relay = await start({ authTimeoutMs: 100 });
    const c = await raw(relay.address.url);
    expect(await c.closed).toBe(4004);
    expect(c.frames.map((f) => (f.type === 'error' ? f.code : f.type))).toEqual(['hello', 'auth-timeout']);
    expect(relay.stats.errors['auth-timeout']).toBe(1);
  });

  it('heartbeats keep a live client; a silent one (no pongs) is closed (idle-timeout)', async () => {
    const relay = await start({ heartbeatMs: 50, idleTimeoutMs: 300 });
    const live = await client(relay.address.url);
    const silent = await raw(relay.address.url, { autoPong: false });
    await silent.login();
    expect(await silent.closed).toBe(4002);
    expect(silent.frames.at(-1)).toMatchObject({ type: 'error', code: 'idle-timeout' });
    expect(relay.stats.errors['idle-timeout']).toBe(1);
    expect(live.closeReason).toBeUndefined();
    expect(relay.stats.authenticated).toBe(1);
  });

  it('evicts a slow consumer whose send buffer is full (slow-consumer)', async () => {
    const relay = await start({ maxBufferedBytes: 64 * 1024, ratePerSecond: 1e6, rateBurst: 1e6 });
    const sender = await client(relay.address.url);
    const slow = await raw(relay.address.url);
    const slowId = await slow.login();
    // Stop reading: the relay's socket buffer towards this client fills up.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const chunk = new Uint8Array(60_000);
    for (let i = 0; i < 400 && !relay.stats.errors['slow-consumer']; i++) {
      await sender.send(slowId.id, chunk);
      await new Promise((r) => setImmediate(r));
    }
    await vi.waitFor(() => expect(relay.stats.errors['slow-consumer']).toBe(1));
    expect(relay.stats.authenticated).toBe(1);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await slow.closed).toBe(4003);
  });

  it('every relay frame counts against the send buffer: a non-reader flooding `join` is evicted (slow-consumer)', async () => {
    // Not only `deliver`: `joined` (and presence, pong, error) answers queue up too. Own HTTP server,
    // so the test can watch the relay's socket towards the flooding client.
    const maxBufferedBytes = 64 * 1024;
    const server = createServer();
    const sockets: Socket[] = [];
    server.on('connection', (s) => sockets.push(s));
    // 101 logins from one address: above the default per-address share, so raised here.
    const relay = attachRelay(server, {
      limits: { maxBufferedBytes, ratePerSecond: 1e6, rateBurst: 1e6, maxLoginsPerAddress: 200 },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(async () => {
      await relay.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // 100 members make each `joined` answer ~1.6 KB.
    const join = encodeRelayFrame({ type: 'join', room: 'r' });
    for (let i = 0; i < 100; i++) {
      const m = await raw(url);
      await m.login();
      m.send(join);
      await m.next('joined');
    }
    const flooder = await raw(url);
    await flooder.login();
    const towardsFlooder = sockets.at(-1) as Socket;
    // Stop reading: the relay's queue towards this client can only grow.
    (flooder.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    let maxQueued = 0;
    // 20 000 joins would queue ~32 MB of `joined` answers if only `deliver` were checked.
    for (let i = 0; i < 20_000 && !relay.stats.errors['slow-consumer']; i++) {
      flooder.send(join);
      if (i % 100 === 0) {
        await new Promise((r) => setTimeout(r, 1));
        maxQueued = Math.max(maxQueued, towardsFlooder.writableLength);
      }
    }
    await vi.waitFor(() => expect(relay.stats.errors['slow-consumer']).toBe(1), { timeout: 5_000 });
    // Bounded: the limit plus the one frame that crossed it (and the closing error frame).
    expect(maxQueued).toBeLessThan(2 * maxBufferedBytes);
    expect(relay.stats.authenticated).toBe(100);
    (flooder.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await flooder.closed).toBe(4003);
  }, 60_000);

  it('graceful shutdown tells every client why, then closes', async () => {
    const relay = await createRelay();
    const reasons: (string | undefined)[] = [];
    const clients = await Promise.all(
      [1, 2, 3].map(async () => {
        const c = await client(relay.address.url);
        c.onClose((r) => reasons.push(r));
        return c;
      }),
    );
    const pending = raw(relay.address.url);
    const rawC = await pending;
    await relay.close({ reason: 'maintenance' });
    expect(reasons).toEqual(['shutting-down', 'shutting-down', 'shutting-down']);
    expect(clients.every((c) => c.closeReason === 'shutting-down')).toBe(true);
    const frames = rawC.frames.filter((f) => f.type === 'error');
    expect(frames).toEqual([{ type: 'error', code: 'shutting-down', subject: '', detail: 'maintenance' }]);
    expect(await rawC.closed).toBe(1001);
    await expect(client(relay.address.url)).rejects.toThrow();
  });
});
