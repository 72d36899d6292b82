/**
 * The listener's shared port on its own: routing by authenticated STUN, held-packet caps (per route
 * and global), the peer cap, drops of everything unauthenticated or unroutable, routes forgotten on close.
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createUdpMux,
  MAX_ADDRESSES_PER_ROUTE,
  MUX_RECV_BUFFER_SIZE,
  type MuxRoute,
  type UdpMux,
} from '../../src/direct/udp-mux.js';
import { IN_NETNS, settle } from '../peer/pair.js';
import { bindingRequest } from '../werift-patch/stun.js';
import { HOST } from './support.js';

const UFRAG = 'dev1';
const PWD = 'devicepassword0123456789';
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function mux(
  opts: {
    pending?: number;
    authed?: number;
    minPendingMs?: number;
    recentAddressMs?: number;
    perRoute?: number;
    total?: number;
    perIp?: number;
  } = {},
) {
  const routes: MuxRoute[] = [];
  const evicted: MuxRoute[] = [];
  const m: UdpMux = await createUdpMux({
    addresses: [HOST],
    port: 0,
    ufrag: UFRAG,
    pwd: PWD,
    maxPending: opts.pending ?? 8,
    maxAuthenticated: opts.authed ?? 8,
    ...(opts.minPendingMs !== undefined ? { minPendingMs: opts.minPendingMs } : {}),
    ...(opts.recentAddressMs !== undefined ? { recentAddressMs: opts.recentAddressMs } : {}),
    maxHeldPerRoute: opts.perRoute ?? 32,
    maxHeldTotal: opts.total ?? 256,
    ...(opts.perIp !== undefined ? { maxPendingPerIp: opts.perIp } : {}),
    onRoute: (route) => {
      routes.push(route);
      return true;
    },
    onEvict: (route) => evicted.push(route),
  });
  open.push(m);
  return { m, routes, evicted };
}

/** A UDP socket on `address` (127.0.0.x are further local addresses: other "hosts" for per-IP rules). */
async function sender(address = HOST): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, address, r));
  open.push({ close: () => new Promise<void>((r) => s.close(() => r())) });
  return s;
}

function send(s: dgram.Socket, port: number, bytes: Buffer, times = 1): void {
  for (let i = 0; i < times; i++) s.send(bytes, port, HOST);
}

const request = (peer: string, key = PWD, controlling = true) =>
  bindingRequest({ username: `${UFRAG}:${peer}`, integrityKey: key, controlling }).bytes;

describe.skipIf(!IN_NETNS)('direct listener UDP mux (netns)', () => {
  it('asks for a 2 MiB receive buffer on its shared socket', async () => {
    const { m } = await mux();
    // `ss` reads the socket's memory limits from the kernel: rb is the receive buffer in bytes.
    const out = execFileSync('ss', ['-uamnH', 'sport', '=', `:${m.port}`], { encoding: 'utf8' });
    const rb = Number(/rb(\d+)/.exec(out)?.[1]);
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    // Linux stores twice the value set, capped at rmem_max first; unset it is rmem_default (208 KiB).
    expect(rb).toBeGreaterThanOrEqual(Math.min(MUX_RECV_BUFFER_SIZE, rmemMax));
    expect(MUX_RECV_BUFFER_SIZE).toBe(2 * 1024 * 1024);
  });

  it('holds at most maxHeldPerRoute packets per route and drops the rest, counted', async () => {
    const { m, routes } = await mux({ perRoute: 32 });
    const s = await sender();
    send(s, m.port, request('peerA'), 100);
    await settle(300);
    expect(routes).toHaveLength(1);
    expect(m.counters).toMatchObject({ routes: 1, heldPackets: 32, droppedPackets: 68 });
    // Released: held packets go to the transport, later ones straight through.
    const route = routes[0] as MuxRoute;
    const got: Buffer[] = [];
    route.transport(HOST).onData = (d) => got.push(d);
    route.release();
    expect(got).toHaveLength(32);
    send(s, m.port, request('peerA'), 1);
    await settle(200);
    expect(got).toHaveLength(33);
    expect(m.counters.heldPackets).toBe(0);
  });

  it('holds DTLS after release() until releaseData(), then delivers it in order and later DTLS at once', async () => {
    const { m, routes } = await mux();
    const s = await sender();
    const dtls = (n: number) => Buffer.from([22, 254, 253, 0, 0, 0, 0, 0, 0, 0, n, 0, 0]);
    send(s, m.port, request('peerA'));
    await settle(100);
    // The ClientHello (two records here) follows the first answered check, before werift listens.
    send(s, m.port, dtls(0));
    send(s, m.port, dtls(1));
    await settle(100);
    const route = routes[0] as MuxRoute;
    const got: Buffer[] = [];
    route.transport(HOST).onData = (d) => got.push(d);
    route.release();
    expect(got.map((d) => d[0])).toEqual([0]); // the STUN request only
    send(s, m.port, request('peerA')); // later checks pass straight through
    await settle(100);
    expect(got.map((d) => d[0])).toEqual([0, 0]);
    expect(m.counters.heldPackets).toBe(2);
    route.releaseData();
    expect(got.slice(2)).toEqual([dtls(0), dtls(1)]);
    send(s, m.port, dtls(2));
    await settle(100);
    expect(got.slice(2)).toEqual([dtls(0), dtls(1), dtls(2)]);
    expect(m.counters).toMatchObject({ heldPackets: 0, droppedPackets: 0 });
  });

  it('learns at most MAX_ADDRESSES_PER_ROUTE source addresses per route', async () => {
    const { m, routes } = await mux({ perRoute: 64 });
    const senders = await Promise.all(Array.from({ length: MAX_ADDRESSES_PER_ROUTE + 2 }, () => sender()));
    for (const s of senders) send(s, m.port, request('p1'));
    await settle(300);
    expect(routes).toHaveLength(1);
    expect(m.counters.heldPackets).toBe(MAX_ADDRESSES_PER_ROUTE);
    expect(m.counters.droppedPackets).toBe(2);
  });

  it('caps held packets over all routes', async () => {
    const { m, routes } = await mux({ perRoute: 32, total: 40, perIp: 3 });
    const s = await sender();
    for (const peer of ['p1', 'p2', 'p3']) send(s, m.port, request(peer), 20);
    await settle(300);
    expect(routes).toHaveLength(3);
    expect(m.counters.heldPackets).toBe(40);
    expect(m.counters.droppedPackets).toBe(20);
    for (const r of routes) r.close();
    expect(m.counters).toMatchObject({ routes: 0, heldPackets: 0 });
  });

  it('refuses new peers while maxAuthenticated routes are authenticated, counted', async () => {
    const { m, routes } = await mux({ authed: 1 });
    const s = await sender();
    for (const peer of ['p1', 'p2']) send(s, m.port, request(peer));
    await settle(200);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1', 'p2']);
    expect(routes[0]?.authenticated()).toBe(true);
    expect(routes[1]?.authenticated()).toBe(false); // every authenticated slot is taken
    send(s, m.port, request('p3'));
    await settle(200);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1', 'p2']);
    expect(m.counters.rejectedPeers).toBe(2);
    routes[0]?.close();
    send(s, m.port, request('p4'));
    await settle(200);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1', 'p2', 'p4']);
  });

  it('a full pending pool evicts for a newcomer: addresses share it evenly, young routes are kept, busy addresses wait, handshakes go last', async () => {
    const { m, routes, evicted } = await mux({ pending: 2, minPendingMs: 300, recentAddressMs: 700 });
    const host = await sender();
    const [other, third] = [await sender('127.0.0.1'), await sender('127.0.0.2')];
    send(host, m.port, request('p1'));
    send(host, m.port, request('p2'));
    await settle(100);
    // HOST holds both slots, two more than 127.0.0.1: its oldest goes at once, however young.
    send(other, m.port, request('q1'));
    await settle(100);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1', 'p2', 'q1']);
    expect(evicted.map((r) => r.peerUfrag)).toEqual(['p1']);
    expect(routes[0]?.closed).toBe(true);
    expect(m.counters).toMatchObject({ routes: 2, evictedPeers: 1 });
    routes[1]?.handshakeDone();
    // One each now: nobody holds more than a newcomer's address would, and both are young.
    send(host, m.port, request('p3'));
    send(other, m.port, request('q2'));
    send(third, m.port, request('r1'));
    await settle(100);
    expect(routes).toHaveLength(3);
    expect(m.counters).toMatchObject({ evictedPeers: 1, rejectedPeers: 3 });
    // Past minPendingMs a fresh address gets in; the route whose handshake is not done goes first.
    await settle(300);
    send(third, m.port, request('r1'));
    await settle(100);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1', 'p2', 'q1', 'r1']);
    expect(evicted.map((r) => r.peerUfrag)).toEqual(['p1', 'q1']);
    // An address that switched peer ufrags lately (q1, q2, now q1) may not evict for age…
    send(other, m.port, request('q1'));
    await settle(100);
    expect(routes).toHaveLength(4);
    expect(m.counters.rejectedPeers).toBe(4);
    // …and a route evicted before its handshake is not retired: the real peer behind it may come
    // back (stale checks are refused before the pool is even looked at).
    expect(m.counters.staleStun).toBe(0);
    routes[3]?.handshakeDone();
    await settle(400);
    send(other, m.port, request('q1')); // the same ufrag again, past the window: the oldest route goes
    await settle(100);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1', 'p2', 'q1', 'r1', 'q1']);
    expect(evicted.map((r) => r.peerUfrag)).toEqual(['p1', 'q1', 'p2']);
    expect(m.counters.staleStun).toBe(0);
    // A route evicted after its handshake is retired: its consent checks do not re-admit it.
    send(host, m.port, request('p2'));
    await settle(100);
    expect(m.counters.staleStun).toBe(1);
  });

  it('never moves an address away from a route whose DTLS started: a spoofed new ufrag is dropped, counted', async () => {
    const { m, routes } = await mux();
    const s = await sender();
    const dtls = (n: number) => Buffer.from([23, 254, 253, 0, 0, 0, 0, 0, 0, 0, n, 0, 0]);
    send(s, m.port, request('p1'));
    await settle(100);
    const route = routes[0] as MuxRoute;
    const got: Buffer[] = [];
    route.transport(HOST).onData = (d) => got.push(d);
    route.release();
    route.releaseData();
    send(s, m.port, request('spoof')); // authenticated (the password is public), same source address
    await settle(100);
    send(s, m.port, dtls(1)); // the connected peer's next record still reaches its own route
    await settle(100);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1']);
    expect(got.at(-1)).toEqual(dtls(1));
    expect(m.counters).toMatchObject({ addressConflicts: 1, droppedPackets: 1, heldPackets: 0 });
  });

  it('caps unauthenticated routes per source IP (maxPendingPerIp), counted; authentication frees the slot', async () => {
    const { m, routes } = await mux({ perIp: 2 });
    const [a, b] = [await sender(), await sender()];
    send(a, m.port, request('p1'));
    send(b, m.port, request('p2'));
    send(a, m.port, request('p3')); // a third pending route from the same IP
    send(b, m.port, request('p4'));
    await settle(300);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1', 'p2']);
    expect(m.counters).toMatchObject({ routes: 2, rejectedPerIp: 2, rejectedPeers: 2 });
    // DTLS starting is not enough: anyone can get that far with the card's public password.
    routes[0]?.releaseData();
    send(b, m.port, request('p4'));
    await settle(200);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1', 'p2']);
    expect(m.counters.rejectedPerIp).toBe(3);
    routes[0]?.authenticated(); // p1 authenticated in-band: no longer counts against its IP
    send(b, m.port, request('p4'));
    await settle(200);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1', 'p2', 'p4']);
    expect(m.counters.rejectedPerIp).toBe(3);
  });

  it('drops unauthenticated STUN and packets from unknown addresses without creating a route', async () => {
    const { m, routes } = await mux();
    const s = await sender();
    send(s, m.port, request('p1', 'wrong-password-0123456789')); // MESSAGE-INTEGRITY fails
    send(s, m.port, bindingRequest({ username: `other:p1`, integrityKey: PWD }).bytes); // not our ufrag
    send(s, m.port, bindingRequest({ username: `${UFRAG}:p1` }).bytes); // no MESSAGE-INTEGRITY
    send(s, m.port, bindingRequest({ username: `${UFRAG}:p1`, integrityKey: PWD, tamper: true }).bytes);
    send(s, m.port, Buffer.from([22, 254, 253, 0, 0, 0])); // DTLS from an address no STUN authenticated
    send(s, m.port, Buffer.alloc(0));
    await settle(300);
    expect(routes).toHaveLength(0);
    expect(m.counters.unauthenticatedStun).toBe(4);
    expect(m.counters.droppedPackets).toBe(6);
  });

  it('admits a new peer only on an ICE-CONTROLLING request (the device is ICE-lite), counted', async () => {
    const { m, routes } = await mux();
    const s = await sender();
    send(s, m.port, request('p1', PWD, false)); // authenticated, but ICE-CONTROLLED: a role conflict
    await settle(200);
    expect(routes).toHaveLength(0);
    expect(m.counters).toMatchObject({ notControlling: 1, rejectedPeers: 1, unauthenticatedStun: 0 });
    send(s, m.port, request('p1'));
    await settle(200);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1']);
    // Once admitted, its requests reach werift whatever they carry (werift answers a conflict itself).
    send(s, m.port, request('p1', PWD, false));
    await settle(200);
    expect(m.counters.notControlling).toBe(1);
  });

  it('forgets a closed route and refuses its ufrag for a while: a dropped peer is not re-admitted', async () => {
    const { m, routes } = await mux();
    const s = await sender();
    send(s, m.port, request('p1'));
    await settle(200);
    routes[0]?.close();
    expect(m.counters.routes).toBe(0);
    const before = m.counters.droppedPackets;
    send(s, m.port, Buffer.from([23, 254, 253, 0, 1])); // its address no longer routes
    send(s, m.port, request('p1')); // its consent checks do not start a new route
    await settle(200);
    expect(m.counters.droppedPackets).toBe(before + 2);
    expect(m.counters.staleStun).toBe(1);
    expect(routes).toHaveLength(1);
    send(s, m.port, request('p2')); // a new connection (new ufrag) from the same address is welcome
    await settle(200);
    expect(routes.map((r) => r.peerUfrag)).toEqual(['p1', 'p2']);
    expect(m.counters.routes).toBe(1);
  });

  it('forgets a retired ufrag after retiredUfragMs', async () => {
    const routes: MuxRoute[] = [];
    const m = await createUdpMux({
      addresses: [HOST],
      port: 0,
      ufrag: UFRAG,
      pwd: PWD,
      maxPending: 8,
      maxAuthenticated: 8,
      maxHeldPerRoute: 8,
      maxHeldTotal: 64,
      retiredUfragMs: 100,
      onRoute: (route) => {
        routes.push(route);
        return true;
      },
    });
    open.push(m);
    const s = await sender();
    send(s, m.port, request('p1'));
    await settle(50);
    routes[0]?.close();
    await settle(150);
    send(s, m.port, request('p1'));
    await settle(100);
    expect(routes).toHaveLength(2);
    expect(m.counters.staleStun).toBe(0);
  });
});
