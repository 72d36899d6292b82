/**
 * The browser: finds `_lanrtc._udp` services (or one device-type subtype, RFC 6763 §7.1), keeps
 * their records in a bounded cache (RFC 6762 §10), re-queries at §5.2 points, and yields `up` /
 * `update` / `down` only for cards the verifier accepted. Anything else is counted in `stats`.
 */
import type { RemoteInfo } from 'node:dgram';
import type { Card, LanrtcError, Logger } from '@lanrtc/signal-core';
import { equalBytes } from '@lanrtc/signal-core/codec';
import { AsyncQueue } from '@lanrtc/signal-core/testing';
import type { DecodedPacket } from 'dns-packet';
import { cacheBucket, RecordCache } from './cache.js';
import type { CardVerifier, VerifiedCard } from './card.js';
import { verifierOf } from './default-verifier.js';
import { InvalidDeviceTypeError } from './errors.js';
import { type Link, listInterfaces, openLinks } from './link.js';
import { instanceLabel, isDeviceType, MDNS_PORT, SERVICE_TYPE, sameName, subtypeName } from './names.js';
import { udpSocketsOnPort } from './shared-port.js';
import { createStats, type MdnsStats } from './stats.js';
import { decodeServiceTxt } from './txt.js';
import { asRecordType, isInternetRecord, isWellFormed, type Rr } from './wire.js';

/** Options for `browse`. */
export interface BrowseInit<C extends VerifiedCard = Card> {
  /** Opens cards found in TXT records; only what it accepts is yielded. Default: signal-core `openCard`. */
  readonly verifyCard?: CardVerifier<C>;
  /** Only services of this device type (queried as the `_<type>._sub` subtype). */
  readonly deviceType?: string;
  /** Interface names or IPv4 addresses; defaults to every non-internal IPv4 interface. */
  readonly interfaces?: readonly string[];
  /** UDP port of mDNS; 5353 except in isolated tests. */
  readonly mdnsPort?: number;
  /** Per-link packet rate limit. */
  readonly maxPacketsPerSecond?: number;
  /** Cache size cap in records (default 1024). */
  readonly maxRecords?: number;
  /** Most services tracked at once (default 256). */
  readonly maxServices?: number;
  /** Card verifications per second; more wait for a later tick (default 200). */
  readonly maxVerificationsPerSecond?: number;
  /** Clock in milliseconds (card expiry); defaults to `Date.now`. */
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Aborting closes the browser. */
  readonly signal?: AbortSignal;
}

/** Where to reach a discovered agent. */
export interface ServiceCandidate {
  /** Address literal, or a `.local` name from the card. */
  readonly address: string;
  readonly port: number;
}

/**
 * A discovered, verified service. Only the card is signed: `instance`, `host`, `port` and
 * `addresses` come from SRV and A/AAAA records anyone on the link can send, e.g. for a valid card
 * replayed under another instance name, so connect to `candidates`.
 */
export interface DiscoveredService<C extends VerifiedCard = VerifiedCard> {
  /** Instance label, e.g. `Kitchen (2)`. */
  readonly instance: string;
  readonly card: C;
  readonly cardBytes: Uint8Array;
  /** SRV target host name (unsigned). */
  readonly host: string;
  /** SRV port (unsigned). */
  readonly port: number;
  /** IPv4 then IPv6 addresses of the host (unsigned). */
  readonly addresses: readonly string[];
  /**
   * Where to connect: the card's own signed candidates when it has any; otherwise (a card without
   * candidates, such as a relay-only card or a test card) the SRV port on each of `addresses`.
   */
  readonly candidates: readonly ServiceCandidate[];
}

/** A change in the set of discovered services. */
export interface BrowseEvent<C extends VerifiedCard = VerifiedCard> extends DiscoveredService<C> {
  readonly type: 'up' | 'update' | 'down';
}

/** An open browse; iterate it for events; `close()` releases every socket and timer. */
export interface Browser<C extends VerifiedCard = VerifiedCard> extends AsyncIterable<BrowseEvent<C>> {
  readonly stats: MdnsStats;
  /** Services currently up. */
  services(): DiscoveredService<C>[];
  close(): Promise<void>;
}

interface ServiceState<C extends VerifiedCard> {
  readonly fqdn: string;
  readonly instance: string;
  up: DiscoveredService<C> | undefined;
  /** TXT data already rejected, so one bad record is counted once, not per packet. */
  rejected: Uint8Array | undefined;
  lastQuery: number;
}

const TICK_MS = 200;
const MAX_QUERY_INTERVAL_MS = 3_600_000; // RFC 6762 §5.2: intervals double up to 60 minutes
/** At most one goodbye re-query per name per second: a goodbye removes a record after 1 s (§10.1). */
const GOODBYE_REQUERY_SPACING_MS = 1000;
/** Goodbye re-queries per second over all names; more wait for a later tick. */
const GOODBYE_REQUERIES_PER_SECOND = 20;

class ServiceBrowser<C extends VerifiedCard> implements Browser<C> {
  readonly stats = createStats();
  readonly #init: BrowseInit<C>;
  readonly #browseName: string;
  readonly #mdnsPort: number;
  readonly #verifyCard: CardVerifier<C>;
  readonly #cache: RecordCache;
  readonly #services = new Map<string, ServiceState<C>>();
  readonly #events = new AsyncQueue<BrowseEvent<C>>(1024);
  readonly #now: () => number;
  #links: Link[] = [];
  #tick: NodeJS.Timeout | undefined;
  #nextQuery = 0;
  #queryInterval = 1000;
  #verify = { second: 0, count: 0 };
  /** Names whose records got a goodbye while live, waiting for their re-query (lower-case name → question). */
  #goodbyes = new Map<string, Array<{ name: string; type: string }>>();
  /** When each name was last re-queried after a goodbye. */
  #goodbyeQueried = new Map<string, number>();
  #goodbyeBudget = { second: 0, count: 0 };
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(init: BrowseInit<C>) {
    if (init.deviceType !== undefined && !isDeviceType(init.deviceType)) {
      throw new InvalidDeviceTypeError('device type must be a lowercase token of at most 16 characters');
    }
    this.#init = init;
    this.#browseName = init.deviceType ? subtypeName(init.deviceType) : SERVICE_TYPE;
    this.#mdnsPort = init.mdnsPort ?? MDNS_PORT;
    this.#verifyCard = verifierOf(init);
    this.#cache = new RecordCache(init.maxRecords ?? 1024, this.stats);
    this.#now = init.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.#links = await openLinks(
      listInterfaces(this.#init.interfaces),
      this.stats,
      (p, r) => this.#onPacket(p, r),
      {
        port: this.#mdnsPort,
        ...(this.#init.maxPacketsPerSecond ? { maxPacketsPerSecond: this.#init.maxPacketsPerSecond } : {}),
        ...(this.#init.logger ? { logger: this.#init.logger } : {}),
      },
    );
    // RFC 6762 §5.2: first query after 20–120 ms, then at 1 s, 2 s, 4 s, ...
    this.#nextQuery = Date.now() + 20 + Math.random() * 100;
    this.#tick = setInterval(() => this.#onTick(), TICK_MS);
  }

  [Symbol.asyncIterator](): AsyncIterator<BrowseEvent<C>> {
    return this.#events[Symbol.asyncIterator]();
  }

  services(): DiscoveredService<C>[] {
    return [...this.#services.values()].flatMap((s) => (s.up ? [s.up] : []));
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      clearInterval(this.#tick);
      this.#events.end();
      await Promise.all(this.#links.map((l) => l.close()));
    })();
    return this.#closing;
  }

  #onPacket(packet: DecodedPacket, rinfo: RemoteInfo): void {
    // RFC 6762 §6: responses not from port 5353 are ignored; queries carry nothing for us.
    if (this.#closed || packet.type !== 'response' || rinfo.port !== this.#mdnsPort) return;
    const now = Date.now();
    const touched = new Set<ServiceState<C>>();
    for (const r of [...(packet.answers ?? []), ...(packet.additionals ?? [])]) {
      if (!isInternetRecord(r) || !['PTR', 'SRV', 'TXT', 'A', 'AAAA'].includes(r.type)) continue;
      if (!isWellFormed(r)) {
        this.stats.malformed++;
        continue;
      }
      if (r.type === 'PTR' && sameName(r.name, this.#browseName)) this.#track(r);
      const concerned = this.#concerned(r, now);
      if (concerned.length === 0) continue;
      if (r.ttl === 0 && this.#cache.holdsLive(r, now)) this.#noteGoodbye(r);
      this.#cache.add(r, now);
      for (const s of concerned) touched.add(s);
    }
    for (const s of touched) this.#reconcile(s, now);
    this.#requeryGoodbyes(now);
  }

  /**
   * RFC 6762 §10.1 removes a record one second after its goodbye, and anyone on the link can send a
   * goodbye. So a goodbye for a record we hold live is checked: one prompt query for it, which the
   * live device answers within that second, so it never goes down; a device that really left
   * does not answer and is gone one second later, as before.
   */
  #noteGoodbye(r: Rr): void {
    const name = r.name.toLowerCase();
    const pending = this.#goodbyes.get(name) ?? [];
    if (!pending.some((q) => q.type === r.type)) pending.push({ name: r.name, type: r.type });
    this.#goodbyes.set(name, pending);
  }

  /** Sends the due goodbye re-queries: one per name per second, at most 20 names per second. */
  #requeryGoodbyes(now: number): void {
    if (this.#goodbyes.size === 0) return;
    const second = Math.floor(now / 1000);
    if (second !== this.#goodbyeBudget.second) this.#goodbyeBudget = { second, count: 0 };
    const questions: Array<{ name: string; type: string }> = [];
    for (const [name, pending] of this.#goodbyes) {
      if (now - (this.#goodbyeQueried.get(name) ?? -Infinity) < GOODBYE_REQUERY_SPACING_MS) continue;
      if (this.#goodbyeBudget.count >= GOODBYE_REQUERIES_PER_SECOND) break;
      this.#goodbyeBudget.count++;
      this.#goodbyeQueried.set(name, now);
      this.#goodbyes.delete(name);
      questions.push(...pending);
    }
    for (const [name, t] of this.#goodbyeQueried) {
      if (now - t >= GOODBYE_REQUERY_SPACING_MS) this.#goodbyeQueried.delete(name);
    }
    if (questions.length === 0) return;
    // RFC 6762 §5.4: ask for a unicast reply, which a responder sends at once even if it multicast
    // the record within the last second, unless another program shares the port and could get it (§15.1).
    const sockets = udpSocketsOnPort(this.#mdnsPort);
    this.#query(questions, now, sockets !== undefined && sockets <= this.#links.length);
  }

  /**
   * The tracked services a record concerns; records that concern none are not cached, so foreign
   * chatter cannot fill the cache.
   */
  #concerned(r: Rr, now: number): ServiceState<C>[] {
    if (r.type === 'PTR') {
      const s = sameName(r.name, this.#browseName) ? this.#services.get(r.data.toLowerCase()) : undefined;
      return s ? [s] : [];
    }
    const name = r.name.toLowerCase();
    const own = this.#services.get(name);
    if (own) return [own];
    if (r.type !== 'A' && r.type !== 'AAAA') return [];
    return [...this.#services.values()].filter((s) => {
      const srv = this.#cache.find(s.fqdn, 'SRV', now)[0]?.answer;
      return srv?.type === 'SRV' && sameName(srv.data.target, name);
    });
  }

  #track(ptr: Rr): void {
    if (ptr.type !== 'PTR' || typeof ptr.data !== 'string') return;
    const fqdn = ptr.data.toLowerCase();
    if (this.#services.has(fqdn) || (ptr.ttl ?? 0) === 0) return;
    const instance = instanceLabel(ptr.data);
    if (instance === undefined) {
      this.stats.malformed++;
      return;
    }
    if (this.#services.size >= (this.#init.maxServices ?? 256)) {
      // Full: give the slot of the oldest service that never verified, so a flood of fake PTRs
      // cannot lock real services out; when every slot holds a verified service, drop the newcomer.
      this.stats.evicted++;
      const idle = [...this.#services.values()].find((x) => !x.up);
      if (!idle) return;
      this.#services.delete(idle.fqdn);
    }
    this.#services.set(fqdn, { fqdn, instance, lastQuery: 0, up: undefined, rejected: undefined });
  }

  #onTick(): void {
    if (this.#closed) return;
    const now = Date.now();
    this.#cache.expire(now);
    this.#reconcileAll(now);
    const questions = new Map<string, { name: string; type: string }>();
    if (now >= this.#nextQuery) {
      questions.set(cacheBucket(this.#browseName, 'PTR'), { name: this.#browseName, type: 'PTR' });
      this.#nextQuery = now + this.#queryInterval;
      this.#queryInterval = Math.min(this.#queryInterval * 2, MAX_QUERY_INTERVAL_MS);
    }
    const wanted = new Set([cacheBucket(this.#browseName, 'PTR')]);
    for (const s of this.#services.values()) {
      wanted.add(cacheBucket(s.fqdn, 'SRV'));
      wanted.add(cacheBucket(s.fqdn, 'TXT'));
      if (s.up) {
        wanted.add(cacheBucket(s.up.host, 'A'));
        wanted.add(cacheBucket(s.up.host, 'AAAA'));
      }
    }
    for (const q of this.#cache.takeRequeries(wanted, now)) questions.set(cacheBucket(q.name, q.type), q);
    if (questions.size > 0) this.#query([...questions.values()], now);
    this.#requeryGoodbyes(now);
  }

  #query(questions: Array<{ name: string; type: string }>, now: number, qu = false): void {
    // RFC 6762 §7.1: list the PTRs we hold with more than half their TTL left, so responders skip them.
    const known = this.#cache
      .find(this.#browseName, 'PTR', now)
      .filter((e) => e.expiresAt - now > e.ttlMs / 2)
      .slice(0, 32)
      .map((e) => ({ ...e.answer, ttl: Math.floor((e.expiresAt - now) / 1000), flush: false }) as Rr);
    const asksPtr = questions.some((q) => q.type === 'PTR');
    for (const link of this.#links) {
      void link.send({
        type: 'query',
        questions: questions.map((q) => ({ name: q.name, type: asRecordType(q.type), qu })),
        answers: asksPtr ? known : [],
      });
    }
  }

  #reconcileAll(now: number): void {
    for (const s of [...this.#services.values()]) this.#reconcile(s, now);
  }

  #reconcile(s: ServiceState<C>, now: number): void {
    const cache = this.#cache;
    const ptrAlive = cache
      .find(this.#browseName, 'PTR', now)
      .some((e) => e.answer.type === 'PTR' && sameName(e.answer.data, s.fqdn));
    if (!ptrAlive) {
      this.#services.delete(s.fqdn);
      this.#down(s);
      return;
    }
    const srv = cache.find(s.fqdn, 'SRV', now)[0]?.answer;
    const txt = cache.find(s.fqdn, 'TXT', now)[0]?.answer;
    if (srv?.type !== 'SRV' || txt?.type !== 'TXT') {
      this.#down(s);
      this.#ask(s, [
        { name: s.fqdn, type: 'SRV' },
        { name: s.fqdn, type: 'TXT' },
      ]);
      return;
    }
    const host = srv.data.target;
    const addresses = [...cache.find(host, 'A', now), ...cache.find(host, 'AAAA', now)].flatMap((e) =>
      typeof e.answer.data === 'string' ? [e.answer.data] : [],
    );
    if (addresses.length === 0) {
      this.#down(s);
      this.#ask(s, [
        { name: host, type: 'A' },
        { name: host, type: 'AAAA' },
      ]);
      return;
    }
    const card = this.#openCard(s, txt.data, now);
    if (!card) return;
    const port = srv.data.port;
    const signed = card.card.candidates ?? [];
    const service: DiscoveredService<C> = {
      instance: s.instance,
      card: card.card,
      cardBytes: card.bytes,
      host,
      port,
      addresses,
      candidates:
        signed.length > 0
          ? signed.map((c) => ({ address: c.address, port: c.port }))
          : addresses.map((address) => ({ address, port })),
    };
    if (this.#shadowed(s, service)) {
      this.#down(s);
      return;
    }
    const before = s.up;
    s.up = service;
    if (!before) this.#emit('up', service);
    else if (
      !equalBytes(before.cardBytes, service.cardBytes) ||
      before.port !== service.port ||
      before.host !== service.host ||
      before.addresses.join() !== service.addresses.join()
    ) {
      this.#emit('update', service);
    }
  }

  /**
   * True when `service` carries the same card as another listed service whose records point where
   * the card says the agent listens, while its own do not: a replay of that card under another
   * instance name (its SRV/A are the replayer's). It is not listed; the genuine one is.
   */
  #shadowed(s: ServiceState<C>, service: DiscoveredService<C>): boolean {
    const matches = (x: DiscoveredService<C>) =>
      (x.card.candidates ?? []).some((c) => x.addresses.includes(c.address) || sameName(c.address, x.host));
    if ((service.card.candidates ?? []).length === 0 || matches(service)) return false;
    for (const other of this.#services.values()) {
      if (other !== s && other.up && other.up.card.id === service.card.id && matches(other.up)) return true;
    }
    return false;
  }

  /** The verified card of a TXT record, or undefined (counted, and the service is down). */
  #openCard(s: ServiceState<C>, data: unknown, now: number): { card: C; bytes: Uint8Array } | undefined {
    let parsed: ReturnType<typeof decodeServiceTxt>;
    try {
      parsed = decodeServiceTxt(data);
    } catch {
      const raw = Buffer.concat((Array.isArray(data) ? data : []).filter((b) => b instanceof Uint8Array));
      if (!s.rejected || !equalBytes(s.rejected, raw)) this.stats.malformed++;
      s.rejected = raw;
      this.#down(s);
      return undefined;
    }
    const nowSeconds = Math.floor(this.#now() / 1000);
    if (s.up && equalBytes(s.up.cardBytes, parsed.card)) {
      if (s.up.card.expiresAt > nowSeconds) return { card: s.up.card, bytes: s.up.cardBytes };
      this.stats.expired++;
      s.rejected = parsed.card;
      this.#down(s);
      return undefined;
    }
    if (s.rejected && equalBytes(s.rejected, parsed.card)) return undefined;
    if (!this.#verifyAllowed(now)) return undefined; // try again on a later tick
    try {
      const card = this.#verifyCard(parsed.card, nowSeconds);
      const typeOk = !this.#init.deviceType || card.deviceTypes.includes(this.#init.deviceType);
      if ((parsed.id !== undefined && parsed.id !== card.id) || !typeOk || card.expiresAt <= nowSeconds) {
        throw new Error('TXT hints do not match the card');
      }
      s.rejected = undefined;
      return { card, bytes: parsed.card };
    } catch (error) {
      if ((error as LanrtcError | undefined)?.name === 'CardExpiredError') this.stats.expired++;
      else this.stats.unverified++;
      this.#init.logger?.debug('mdns: card rejected', {
        instance: s.instance,
        error: (error as Error)?.name,
      });
      s.rejected = parsed.card;
      this.#down(s);
      return undefined;
    }
  }

  #verifyAllowed(now: number): boolean {
    const second = Math.floor(now / 1000);
    if (second !== this.#verify.second) this.#verify = { second, count: 0 };
    // Over budget: not counted, the service is simply verified on a later tick.
    return ++this.#verify.count <= (this.#init.maxVerificationsPerSecond ?? 200);
  }

  #ask(s: ServiceState<C>, questions: Array<{ name: string; type: string }>): void {
    const now = Date.now();
    if (now - s.lastQuery < 1000) return;
    s.lastQuery = now;
    this.#query(questions, now);
  }

  #down(s: ServiceState<C>): void {
    const up = s.up;
    if (!up) return;
    s.up = undefined;
    this.#emit('down', up);
  }

  #emit(type: BrowseEvent<C>['type'], service: DiscoveredService<C>): void {
    if (!this.#events.push({ type, ...service })) this.stats.evicted++;
  }
}

/** Start browsing `_lanrtc._udp.local` (or one device-type subtype); resolves once the sockets are bound. */
export async function browse<C extends VerifiedCard = Card>(init: BrowseInit<C>): Promise<Browser<C>> {
  const browser = new ServiceBrowser(init);
  init.signal?.throwIfAborted();
  await browser.start();
  if (init.signal?.aborted) {
    await browser.close();
    init.signal.throwIfAborted();
  }
  init.signal?.addEventListener('abort', () => void browser.close(), { once: true });
  return browser;
}
