/**
 * The relay's per-address shares against real sockets from distinct loopback addresses (127.0.0.x):
 * sockets not logged in, logins and rooms per address, eviction of the oldest socket not logged in
 * at `maxConnections`, and an IPv4-mapped IPv6 peer counted as the IPv4 address it is.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIdentity, type Identity, type RelayError } from '@lanrtc/signal-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  attachRelay,
  connectRelay,
  createRelay,
  type ListeningRelay,
  type RelayLimits,
} from '../../src/index.js';
import { addressKey } from '../../src/server/address.js';
import { IN_NETNS, raw } from '../helpers.js';

/** A `WebSocket` whose sockets leave from `localAddress`: a client on that LAN address. */
const from = (localAddress: string) =>
  class extends WebSocket {
    constructor(url: string) {
      super(url, { localAddress });
    }
  } as never;

const login = (url: string, localAddress: string, identity: Identity = createIdentity()) =>
  connectRelay({ url, identity, WebSocket: from(localAddress), heartbeat: false });

describe('addressKey', () => {
  it.each([
    ['::ffff:10.0.0.7', '10.0.0.7'],
    ['::FFFF:192.168.1.20', '192.168.1.20'],
    ['10.0.0.7', '10.0.0.7'],
    ['FE80::1', 'fe80::1'],
    ['::1', '::1'],
    ['::ffff:abcd', '::ffff:abcd'],
    [undefined, 'unknown'],
  ])('%s counts as %s', (input, key) => {
    expect(addressKey(input)).toBe(key);
  });
});

describe.skipIf(!IN_NETNS)('relay per-address limits (127.0.0.x)', () => {
  const relays: ListeningRelay[] = [];
  const servers: Server[] = [];
  async function start(limits: Partial<RelayLimits>) {
    // On 0.0.0.0 so every 127.0.0.x source reaches it.
    const relay = await createRelay({ host: '0.0.0.0', limits });
    relays.push(relay);
    return { relay, url: `ws://127.0.0.1:${relay.address.port}/` };
  }
  afterEach(async () => {
    for (const r of relays.splice(0)) await r.close();
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('sockets not logged in: one address gets its share (address-full, 1013), another address is unaffected', async () => {
    const { relay, url } = await start({ maxPendingPerAddress: 2 });
    const held = [
      await raw(url, { localAddress: '127.0.0.2' }),
      await raw(url, { localAddress: '127.0.0.2' }),
    ];
    // Both greeted (the hello stays queued for the login below).
    for (const c of held) await vi.waitFor(() => expect(c.frames[0]?.type).toBe('hello'));
    const third = await raw(url, { localAddress: '127.0.0.2' });
    expect(await third.closed).toBe(1013);
    expect(third.frames).toMatchObject([{ type: 'error', code: 'address-full' }]);
    const other = await raw(url, { localAddress: '127.0.0.3' });
    await other.login();
    expect(relay.stats).toMatchObject({ pending: 2, authenticated: 1, addresses: 2 });
    // Logging in frees the slot: the address may open another socket.
    await held[0]?.login();
    const again = await raw(url, { localAddress: '127.0.0.2' });
    expect((await again.next('hello')).type).toBe('hello');
    expect(relay.stats.errors['address-full']).toBe(1);
  });

  it('logins: one address gets its share; a re-login of an identity it holds still replaces; another address logs in', async () => {
    const { relay, url } = await start({ maxLoginsPerAddress: 2 });
    const me = createIdentity();
    await login(url, '127.0.0.2', me);
    await login(url, '127.0.0.2');
    await expect(login(url, '127.0.0.2')).rejects.toMatchObject({
      name: 'RelayError',
      reason: 'address-full',
    });
    const again = await login(url, '127.0.0.2', me);
    expect(again.closeReason).toBeUndefined();
    await login(url, '127.0.0.3');
    expect(relay.stats).toMatchObject({ authenticated: 3, pending: 0 });
    expect(relay.stats.errors).toMatchObject({ 'address-full': 1, replaced: 1 });
  });

  it('rooms: one address gets its share across its sockets (a shared room counts once); leaving frees it', async () => {
    const { relay, url } = await start({ maxRoomsPerAddress: 3 });
    const a = await login(url, '127.0.0.2');
    const b = await login(url, '127.0.0.2');
    await a.join('r1');
    await a.join('r2');
    await b.join('r2');
    await b.join('r3');
    const refused = await b.join('r4').catch((e: RelayError) => e);
    expect(refused).toMatchObject({ name: 'RelayError', reason: 'too-many-rooms' });
    // Another address is not held to this one's share.
    const c = await login(url, '127.0.0.3');
    await c.join('r4');
    await c.join('r5');
    // a leaves r1, which no other socket of its address is in: the address has a room free again.
    a.leave('r1');
    await expect(b.join('r6')).resolves.toEqual([]);
    // r2 is still held by b, so a leaving it frees nothing.
    a.leave('r2');
    await expect(b.join('r7')).rejects.toMatchObject({ reason: 'too-many-rooms' });
    // r2, r3 (b), r4, r5 (c), r6 (b); r1 went with its last member.
    expect(relay.stats.rooms).toBe(5);
  });

  it('at maxConnections, a newcomer evicts the oldest socket of another address that has not logged in', async () => {
    const { relay, url } = await start({ maxConnections: 3, maxPendingPerAddress: 10 });
    const flood = [];
    for (let i = 0; i < 3; i++) {
      const c = await raw(url, { localAddress: '127.0.0.2' });
      await c.next('hello');
      flood.push(c);
    }
    // The flooder's own next socket evicts nothing of its own address: server-full.
    const own = await raw(url, { localAddress: '127.0.0.2' });
    expect(await own.closed).toBe(1013);
    expect(own.frames).toMatchObject([{ type: 'error', code: 'server-full' }]);
    // Another address gets in; the flood's oldest socket makes room.
    const legit = await login(url, '127.0.0.3');
    expect(legit.closeReason).toBeUndefined();
    expect(await flood[0]?.closed).toBe(1013);
    expect(flood[0]?.frames).toMatchObject([
      { type: 'error', code: 'server-full', detail: 'evicted: not logged in' },
    ]);
    expect(flood[1]?.closeCode).toBeUndefined();
    expect(relay.stats).toMatchObject({ evicted: 1, connections: 3, pending: 2, authenticated: 1 });
  });

  it('an IPv4-mapped IPv6 peer counts as its IPv4 address', async () => {
    // One relay behind two listeners: dual-stack `::` (an IPv4 peer shows as ::ffff:127.0.0.2) and
    // plain IPv4 127.0.0.1 (the same peer shows as 127.0.0.2).
    const dual = createServer();
    const v4 = createServer();
    servers.push(dual, v4);
    const relay = attachRelay(dual, { limits: { maxPendingPerAddress: 1 } });
    v4.on('upgrade', (req, socket, head) => dual.emit('upgrade', req, socket, head));
    await new Promise<void>((r) => dual.listen(0, '::', r));
    await new Promise<void>((r) => v4.listen(0, '127.0.0.1', r));
    const port = (s: Server) => (s.address() as AddressInfo).port;
    const first = await raw(`ws://127.0.0.1:${port(dual)}/`, { localAddress: '127.0.0.2' });
    await first.next('hello');
    const second = await raw(`ws://127.0.0.1:${port(v4)}/`, { localAddress: '127.0.0.2' });
    expect(await second.closed).toBe(1013);
    expect(second.frames).toMatchObject([{ type: 'error', code: 'address-full' }]);
    expect(relay.stats.addresses).toBe(1);
    await relay.close();
  });
});
