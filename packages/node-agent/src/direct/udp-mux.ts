/**
 * The direct-connect listener's UDP port: one socket per local address, shared by every connecting
 * peer. STUN Binding requests are routed by the peer ufrag in USERNAME (`<our ufrag>:<peer ufrag>`)
 * once their MESSAGE-INTEGRITY verifies under our password; everything else (DTLS, SCTP inside DTLS,
 * STUN indications) by the source address an authenticated request came from. A route's packets are
 * held (capped) until its werift connection is ready for them, so a first handshake is not lost:
 * STUN once werift's ICE agent exists (`release`), DTLS only once werift's DTLS transport listens
 * (`releaseData`), which is later — werift starts DTLS when ICE is connected and discards DTLS that
 * arrives earlier, while a browser sends its ClientHello as soon as its first check is answered.
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { type MuxTransport, muxTransport, type RemoteAddress } from './mux-transport.js';
import { createRetiredSet } from './retired-set.js';
import { authenticatedRequest, isStunRequest, looksLikeStun } from './stun.js';
import { createUfragSwitches } from './ufrag-switches.js';

export type { MuxTransport, RemoteAddress };

/** Source addresses one route learns at most (a peer's host, server-reflexive and mDNS candidates). */
export const MAX_ADDRESSES_PER_ROUTE = 8;

/** One connecting peer's share of the port. */
export interface MuxRoute {
  readonly peerUfrag: string;
  /** The werift transport for one local address (created once per address). */
  transport(localAddress: string): MuxTransport;
  /** Deliver held STUN packets and every later one straight to the transport; DTLS stays held. */
  release(): void;
  /** Deliver held DTLS (every non-STUN packet, in arrival order) and every later one: DTLS listens. */
  releaseData(): void;
  /**
   * The peer's DTLS handshake completed (its auth channel is open): it receives what is sent to its
   * address, which a sender of spoofed datagrams does not, so it is evicted only after every route
   * that has not got this far.
   */
  handshakeDone(): void;
  /**
   * The peer authenticated in-band: the route leaves the pending pool (and its IP's
   * `maxPendingPerIp`) for one of `maxAuthenticated`; false, and nothing changes, when those are all taken.
   */
  authenticated(): boolean;
  /** Forget the route: its ufrag, addresses and held packets. */
  close(): void;
  readonly closed: boolean;
}

/** Counters the mux keeps (all monotonic except `routes` and `heldPackets`). */
export interface MuxCounters {
  routes: number;
  heldPackets: number;
  droppedPackets: number;
  unauthenticatedStun: number;
  rejectedPeers: number;
  /** Authenticated STUN from a peer ufrag whose route was closed (a dropped peer's consent checks). */
  staleStun: number;
  /**
   * Authenticated STUN for another ufrag from an address a route whose DTLS has started owns: dropped,
   * the address is never taken over (the password is public, so authentication proves little).
   */
  addressConflicts: number;
  /** New peers refused because their IP already has `maxPendingPerIp` unauthenticated routes (also in `rejectedPeers`). */
  rejectedPerIp: number;
  /** New peers refused because their first request was not ICE-CONTROLLING (also in `rejectedPeers`). */
  notControlling: number;
  /** Pending routes closed to make room for a newer peer because the pending pool was full. */
  evictedPeers: number;
}

/** Options of `createUdpMux`. */
export interface UdpMuxInit {
  readonly addresses: readonly string[];
  /** Fixed port on every address; 0 picks one (the same one on every address when possible). */
  readonly port: number;
  readonly ufrag: string;
  readonly pwd: string;
  /**
   * Routes not yet `authenticated()` at once. When a new peer comes and they are all taken, the
   * oldest one whose handshake is not done is evicted (else the oldest one): a newcomer always gets a
   * slot, so a flood of routes that never authenticate cannot lock a real peer out for a deadline.
   */
  readonly maxPending: number;
  /** Authenticated routes at once; while they are all taken, new peers are refused. */
  readonly maxAuthenticated: number;
  /**
   * A pending route younger than this is never evicted (default 1000 ms): a newcomer has this long to
   * get its handshake done, and a flood turns the pool over at most `maxPending` times per period.
   * When every pending route is younger, the new peer is refused instead (it retries with its next check).
   */
  readonly minPendingMs?: number;
  /**
   * An address that tried to start a route for another peer ufrag within this long before, and has
   * not authenticated a peer since, may not evict a route for its age (default 30 000 ms): a flood
   * cannot churn the pool faster than it has source addresses, so a newcomer finds an old route to replace.
   */
  readonly recentAddressMs?: number;
  readonly maxHeldPerRoute: number;
  readonly maxHeldTotal: number;
  /**
   * Most routes not yet `authenticated()` from one source IP (default 4). Counted until in-band
   * authentication, not until DTLS: the ICE password is public, so anyone can get a route's DTLS
   * started with one datagram.
   */
  readonly maxPendingPerIp?: number;
  /** A new authenticated peer: return false to refuse it (its packets are dropped). */
  readonly onRoute: (route: MuxRoute, from: RemoteAddress) => boolean;
  /**
   * How long a closed route's peer ufrag stays refused (default 60 s). Every new peer connection
   * picks a fresh ufrag, so only a dropped peer's own retransmits and consent checks (RFC 7675) use it
   * again: refusing them, unanswered, keeps it from being re-admitted and lets its ICE time out.
   */
  readonly retiredUfragMs?: number;
  /** Most retired ufrags remembered (oldest forgotten first; default 4096). */
  readonly maxRetiredUfrags?: number;
  /** Any packet delivered to a route (keeps idle timers fresh). */
  readonly onActivity?: (route: MuxRoute) => void;
  /** A pending route was closed to make room for a newer peer: drop its connection. */
  readonly onEvict?: (route: MuxRoute) => void;
}

/** The shared socket(s) and routing table. */
export interface UdpMux {
  readonly port: number;
  readonly counters: MuxCounters;
  close(): Promise<void>;
}

interface RouteState extends MuxRoute {
  held: { data: Buffer; addr: RemoteAddress; local: string }[];
  released: boolean;
  dataReleased: boolean;
  authed: boolean;
  handshaken: boolean;
  /** When the route was created (ms, monotonic). */
  createdAt: number;
  transports: Map<string, MuxTransport>;
  addresses: Set<string>;
  /** The IP whose authenticated request created the route. */
  originIp: string;
}

/** Receive buffer asked for on each shared socket (bytes). */
export const MUX_RECV_BUFFER_SIZE = 2 * 1024 * 1024;

/** Bind the sockets and start routing. */
export async function createUdpMux(init: UdpMuxInit): Promise<UdpMux> {
  const sockets = new Map<string, dgram.Socket>();
  const byUfrag = new Map<string, RouteState>();
  const byAddress = new Map<string, RouteState>();
  const pwd = Buffer.from(init.pwd, 'utf8');
  const counters: MuxCounters = {
    routes: 0,
    heldPackets: 0,
    droppedPackets: 0,
    unauthenticatedStun: 0,
    rejectedPeers: 0,
    staleStun: 0,
    addressConflicts: 0,
    rejectedPerIp: 0,
    notControlling: 0,
    evictedPeers: 0,
  };
  const maxPendingPerIp = init.maxPendingPerIp ?? 4;
  const minPendingMs = init.minPendingMs ?? 1000;
  /** Each source IP's newest peer ufrag, to spot addresses that open route after route (4096 remembered). */
  const switches = createUfragSwitches(init.recentAddressMs ?? 30_000, 4096);
  const retired = createRetiredSet(init.retiredUfragMs ?? 60_000, init.maxRetiredUfrags ?? 4096);
  let port = init.port;
  try {
    for (const address of init.addresses) {
      const socket = dgram.createSocket({
        type: isIP(address) === 6 ? 'udp6' : 'udp4',
        // Every connection's SCTP shares this socket; the kernel default (rmem_default, 208 KiB)
        // overflows under a bulk transfer (docs/werift-patches.md §13; the kernel caps it at rmem_max).
        recvBufferSize: MUX_RECV_BUFFER_SIZE,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ address, port }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      port = socket.address().port;
      socket.on('message', (data, info) => receive(address, data, [info.address, info.port]));
      // A send to an unreachable peer reports ICMP errors here; they must not crash the process.
      socket.on('error', () => {});
      sockets.set(address, socket);
    }
  } catch (error) {
    for (const socket of sockets.values()) socket.close();
    throw error;
  }

  const key = (addr: RemoteAddress) => `${addr[0]}|${addr[1]}`;

  function drop(): void {
    counters.droppedPackets++;
  }

  function deliver(route: RouteState, local: string, data: Buffer, addr: RemoteAddress): void {
    init.onActivity?.(route);
    const transport = route.transports.get(local);
    const open = looksLikeStun(data) ? route.released : route.dataReleased;
    if (open && transport && !transport.closed) {
      transport.onData(data, addr);
      return;
    }
    if (route.held.length >= init.maxHeldPerRoute || counters.heldPackets >= init.maxHeldTotal) {
      drop();
      return;
    }
    route.held.push({ data, addr, local });
    counters.heldPackets++;
  }

  /** Routes from `ip` not authenticated yet: each holds a slot until it authenticates or its deadline. */
  function pendingFrom(ip: string): number {
    let n = 0;
    for (const r of byUfrag.values()) if (!r.authed && r.originIp === ip) n++;
    return n;
  }

  function countAuthed(): number {
    let n = 0;
    for (const r of byUfrag.values()) if (r.authed) n++;
    return n;
  }

  /**
   * Make room in a full pending pool for a newcomer from `ip`, or return false. Addresses share the
   * pool evenly: the victim's address must hold more pending routes than `ip` does, and the victim
   * must be past `minPendingMs` — and the newcomer `settled` (its address has not switched peer
   * ufrags within `recentAddressMs`) — unless the victim's address holds at least two more. Among
   * those, the oldest route whose handshake is not done goes first (routes are in creation order),
   * else the oldest. So the pool turns over at most once per `minPendingMs`, each time only for an
   * address that has not switched ufrags lately: a flooder needs about `maxPending` ×
   * `recentAddressMs` / `minPendingMs` live source addresses, each used once per window, before a
   * newcomer has to race it for a slot. An
   * evicted route's ufrag is not retired unless its handshake was done: a real peer evicted early
   * comes back with its next check.
   */
  function makeRoom(ip: string, settled: boolean): boolean {
    const pending: RouteState[] = [];
    const perIp = new Map<string, number>();
    for (const r of byUfrag.values()) {
      if (r.authed) continue;
      pending.push(r);
      perIp.set(r.originIp, (perIp.get(r.originIp) ?? 0) + 1);
    }
    if (pending.length < init.maxPending) return true;
    const now = performance.now();
    const mine = perIp.get(ip) ?? 0;
    const evictable = (r: RouteState) => {
      const theirs = perIp.get(r.originIp) ?? 0;
      return theirs >= mine + 2 || (settled && theirs >= mine + 1 && now - r.createdAt >= minPendingMs);
    };
    const victim = pending.find((r) => !r.handshaken && evictable(r)) ?? pending.find((r) => evictable(r));
    if (!victim) return false;
    counters.evictedPeers++;
    closeRoute(victim, victim.handshaken);
    init.onEvict?.(victim);
    return true;
  }

  function receive(local: string, data: Buffer, addr: RemoteAddress): void {
    if (isStunRequest(data)) {
      const request = authenticatedRequest(data, init.ufrag, pwd);
      if (request === undefined) {
        counters.unauthenticatedStun++;
        drop();
        return;
      }
      const { peerUfrag } = request;
      let route = byUfrag.get(peerUfrag);
      const previous = byAddress.get(key(addr));
      if (previous && previous !== route && previous.dataReleased) {
        // One spoofed datagram must not divert a connected peer's DTLS/SCTP.
        counters.addressConflicts++;
        drop();
        return;
      }
      if (!route) {
        if (retired.has(peerUfrag)) {
          counters.staleStun++;
          drop();
          return;
        }
        if (!request.controlling) {
          // Our side is ICE-lite, so a peer must be controlling: werift would only answer 487 (role
          // conflict), and the route would hold a slot of its IP until the deadline for nothing.
          counters.notControlling++;
          counters.rejectedPeers++;
          drop();
          return;
        }
        // Every attempt counts, refused or not: a flooder's address switches ufrags from its second try.
        const settled = !switches.note(addr[0], peerUfrag);
        if (countAuthed() >= init.maxAuthenticated) {
          counters.rejectedPeers++;
          drop();
          return;
        }
        if (pendingFrom(addr[0]) >= maxPendingPerIp) {
          counters.rejectedPerIp++;
          counters.rejectedPeers++;
          drop();
          return;
        }
        if (!makeRoom(addr[0], settled)) {
          counters.rejectedPeers++;
          drop();
          return;
        }
        route = newRoute(peerUfrag, addr[0]);
        byUfrag.set(peerUfrag, route);
        counters.routes = byUfrag.size;
        if (!init.onRoute(route, addr)) {
          route.close();
          counters.rejectedPeers++;
          drop();
          return;
        }
      }
      if (previous !== route) {
        // A peer checks from a few candidates; more source addresses than that is someone else.
        if (route.addresses.size >= MAX_ADDRESSES_PER_ROUTE) {
          drop();
          return;
        }
        previous?.addresses.delete(key(addr));
        byAddress.set(key(addr), route);
        route.addresses.add(key(addr));
      }
      deliver(route, local, data, addr);
      return;
    }
    const route = byAddress.get(key(addr));
    if (!route) {
      drop();
      return;
    }
    deliver(route, local, data, addr);
  }

  /** Deliver the held packets `which` selects, in arrival order; the others stay held. */
  function flush(route: RouteState, which: (data: Buffer) => boolean): void {
    const kept: RouteState['held'] = [];
    for (const p of route.held.splice(0)) {
      if (!which(p.data)) {
        kept.push(p);
        continue;
      }
      counters.heldPackets--;
      const transport = route.transports.get(p.local);
      if (transport && !transport.closed) transport.onData(p.data, p.addr);
      else drop();
    }
    route.held.push(...kept);
  }

  function newRoute(peerUfrag: string, originIp: string): RouteState {
    const route: RouteState = {
      peerUfrag,
      originIp,
      held: [],
      released: false,
      dataReleased: false,
      authed: false,
      handshaken: false,
      createdAt: performance.now(),
      transports: new Map(),
      addresses: new Set(),
      closed: false,
      transport(localAddress) {
        const existing = route.transports.get(localAddress);
        if (existing) return existing;
        const socket = sockets.get(localAddress);
        if (!socket) throw new Error(`the listener has no socket on ${localAddress}`);
        const made = muxTransport(socket);
        route.transports.set(localAddress, made);
        return made;
      },
      release() {
        if (route.closed || route.released) return;
        route.released = true;
        flush(route, (data) => looksLikeStun(data));
      },
      releaseData() {
        if (route.closed || route.dataReleased) return;
        route.dataReleased = true;
        flush(route, (data) => !looksLikeStun(data));
      },
      handshakeDone() {
        route.handshaken = true;
      },
      authenticated() {
        if (route.authed) return true;
        if (route.closed) return false;
        if (countAuthed() >= init.maxAuthenticated) {
          counters.rejectedPeers++;
          return false;
        }
        route.authed = true;
        switches.forget(route.originIp);
        return true;
      },
      close() {
        closeRoute(route, true);
      },
    };
    return route;
  }

  function closeRoute(route: RouteState, retire: boolean): void {
    if (route.closed) return;
    (route as { closed: boolean }).closed = true;
    counters.heldPackets -= route.held.length;
    route.held = [];
    for (const a of route.addresses) if (byAddress.get(a) === route) byAddress.delete(a);
    route.addresses.clear();
    if (byUfrag.get(route.peerUfrag) === route) byUfrag.delete(route.peerUfrag);
    if (retire) retired.add(route.peerUfrag);
    counters.routes = byUfrag.size;
    for (const t of route.transports.values()) t.closed = true;
  }

  return {
    port,
    counters,
    async close() {
      for (const route of [...byUfrag.values()]) route.close();
      await Promise.all(
        [...sockets.values()].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
      sockets.clear();
    },
  };
}
