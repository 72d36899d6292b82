/**
 * The responder: publishes one card as a DNS-SD service and defends its names. One file because
 * probing, announcing, answering and conflict handling share one state machine (RFC 6762 §8–§10):
 * probe (§8.1, tiebreak §8.2) → announce twice (§8.3) → answer queries (§6, §6.7, §7.1) → on a
 * conflicting response re-probe (§9) → re-announce on card or address change (§8.4) → goodbye with
 * TTL 0 on close (§10.1).
 */
import { randomBytes } from 'node:crypto';
import type { RemoteInfo } from 'node:dgram';
import type { Card, Logger } from '@lanrtc/signal-core';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import type { CardVerifier, VerifiedCard } from './card.js';
import { verifierOf } from './default-verifier.js';
import { type Link, type LinkOptions, listInterfaces, openLinks } from './link.js';
import {
  instanceFqdn,
  isDeviceType,
  MDNS_PORT,
  nextHostName,
  nextInstanceName,
  sameName,
  toLabel,
} from './names.js';
import {
  additionalsFor,
  answers,
  buildRecords,
  DEFAULT_TTLS,
  type OwnRecord,
  type RecordTtls,
  withTtl,
} from './records.js';
import { udpSocketsOnPort } from './shared-port.js';
import { releaseOnSignals, retainOnSignals } from './signals.js';
import { createStats, type MdnsStats } from './stats.js';
import { decodeServiceTxt, encodeServiceTxt } from './txt.js';
import {
  ANY,
  asRecordType,
  compareRecordSets,
  isInternetRecord,
  isWellFormed,
  normalizeQuestion,
  type Rr,
  recordKey,
} from './wire.js';

/** Options for `announce`. */
export interface AnnounceInit<C extends VerifiedCard = Card> {
  /** The signed card (≤ 250 bytes) to publish in TXT. */
  readonly card: Uint8Array;
  /** Opens cards; the announcer checks its own card before publishing. Default: signal-core `openCard`. */
  readonly verifyCard?: CardVerifier<C>;
  /** The port the agent listens on (SRV). */
  readonly port: number;
  /** Instance label; defaults to the card's name. Renamed "Name (2)" on conflict. */
  readonly instanceName?: string;
  /** Host label without `.local`; defaults to `lanrtc-<random>`. Renamed "host-2" on conflict. */
  readonly hostName?: string;
  /** Interface names or IPv4 addresses; defaults to every non-internal IPv4 interface. */
  readonly interfaces?: readonly string[];
  /** Record TTLs in seconds (RFC 6762 §10 defaults: host 120, service 4500); short ones for tests. */
  readonly ttl?: Partial<RecordTtls>;
  /** UDP port of mDNS; 5353 except in isolated tests. */
  readonly mdnsPort?: number;
  /** Per-link packet rate limit. */
  readonly maxPacketsPerSecond?: number;
  /** How often interface addresses are checked for changes, which trigger a re-announcement (default 5000 ms). */
  readonly addressCheckMs?: number;
  /** Send goodbyes on SIGINT/SIGTERM (default true). */
  readonly handleSignals?: boolean;
  readonly logger?: Logger;
  /** Aborting closes the announcement (with goodbyes). */
  readonly signal?: AbortSignal;
}

/** A published card; `close()` says goodbye and releases every socket and timer. */
export interface Announcement {
  /** Instance label after conflict resolution. */
  readonly name: string;
  /** Host label (without `.local`) after conflict resolution. */
  readonly hostName: string;
  readonly stats: MdnsStats;
  /** Publish a new card (e.g. after DTLS certificate rotation) and re-announce it (RFC 6762 §8.4). */
  update(card: Uint8Array): Promise<void>;
  /** Send goodbyes (unless `goodbye: false`, e.g. the interface is gone) and release everything. */
  close(options?: { goodbye?: boolean }): Promise<void>;
}

const PROBE_INTERVAL_MS = 250; // RFC 6762 §8.1
const ANNOUNCE_INTERVAL_MS = 1000; // RFC 6762 §8.3
// RFC 6762 §8.1: after 15 conflicts within any 10 s, wait at least 5 s before each further probe.
const CONFLICT_BURST = 15;
const CONFLICT_WINDOW_MS = 10_000;
const CONFLICT_BACKOFF_MS = 5000;
/** Foreign cards verified per second while checking claims on our names; more are ignored. */
const CLAIM_VERIFICATIONS_PER_SECOND = 50;
const LEGACY_TTL_CAP = 10; // RFC 6762 §6.7
const UNICAST_REPLIES_PER_SECOND = 50; // bounds amplification from spoofed legacy queries

type Phase = 'probing' | 'announced' | 'closed';

class Announcer<C extends VerifiedCard> implements Announcement {
  name: string;
  hostName: string;
  readonly stats = createStats();
  readonly #init: AnnounceInit<C>;
  readonly #ttl: RecordTtls;
  readonly #mdnsPort: number;
  readonly #verify: CardVerifier<C>;
  #links: Link[] = [];
  #records = new Map<Link, OwnRecord[]>();
  #ownKeys = new Set<string>();
  #formerKeys = new Set<string>();
  #lastMulticast = new Map<string, number>();
  #txt: Buffer[];
  #deviceTypes: string[];
  #phase: Phase = 'probing';
  #conflict = { instance: false, host: false, deferred: false };
  /** When recent conflicts were seen, for the §8.1 backoff. */
  #conflictTimes: number[] = [];
  #storm = false;
  #cardId: string;
  #claimChecks = { second: 0, count: 0 };
  /** TXT rdata already found not to be another device's valid card, so it is not verified again. */
  #rejectedClaims = new Set<string>();
  #reprobing = false;
  #timers = new Set<NodeJS.Timeout>();
  #wakers = new Set<() => void>();
  #unicast = { second: 0, count: 0 };
  #closing: Promise<void> | undefined;
  #watch: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(init: AnnounceInit<C>) {
    this.#init = init;
    this.#ttl = { ...DEFAULT_TTLS, ...init.ttl };
    this.#mdnsPort = init.mdnsPort ?? MDNS_PORT;
    this.#verify = verifierOf(init);
    const card = this.#verify(init.card, Math.floor(Date.now() / 1000));
    this.#txt = encodeServiceTxt(init.card, card);
    this.#deviceTypes = card.deviceTypes.filter(isDeviceType);
    this.#cardId = card.id;
    this.name = toLabel(init.instanceName ?? card.name);
    this.hostName = toLabel(init.hostName ?? `lanrtc-${randomBytes(4).toString('hex')}`);
  }

  async start(): Promise<void> {
    this.#links = await openLinks(
      listInterfaces(this.#init.interfaces),
      this.stats,
      (p, r, l) => this.#onPacket(p, r, l),
      this.#linkOptions(),
    );
    try {
      await this.#probe();
      await this.#announce();
    } catch (error) {
      await this.close();
      throw error;
    }
    this.#watch = setInterval(() => void this.#checkAddresses(), this.#init.addressCheckMs ?? 5000);
  }

  #linkOptions(): LinkOptions {
    return {
      port: this.#mdnsPort,
      ...(this.#init.maxPacketsPerSecond ? { maxPacketsPerSecond: this.#init.maxPacketsPerSecond } : {}),
      ...(this.#init.logger ? { logger: this.#init.logger } : {}),
    };
  }

  /**
   * RFC 6762 §8.4: new address data must be announced again. A link whose interface changed its
   * IPv4 or IPv6 addresses says goodbye for the addresses that went away, is reopened on the new
   * address (its socket joined the group on the old one), and everything is re-announced.
   */
  async #checkAddresses(): Promise<void> {
    if (this.#phase !== 'announced' || this.#checking) return;
    let current: ReturnType<typeof listInterfaces>;
    try {
      current = listInterfaces(this.#init.interfaces);
    } catch {
      return; // no interface right now: keep what we have until one comes back
    }
    this.#checking = true;
    try {
      let changed = false;
      for (const [index, link] of this.#links.entries()) {
        const now = current.find((i) => i.name === link.iface.name);
        if (!now || (now.address === link.iface.address && now.ipv6.join() === link.iface.ipv6.join()))
          continue;
        const kept = new Set([now.address, ...now.ipv6]);
        const gone = (this.#records.get(link) ?? []).filter(
          (r) => (r.answer.type === 'A' || r.answer.type === 'AAAA') && !kept.has(String(r.answer.data)),
        );
        if (gone.length > 0) {
          await link.send({
            type: 'response',
            flags: dnsPacket.AUTHORITATIVE_ANSWER,
            answers: withTtl(gone, () => 0, false),
          });
        }
        await link.close();
        this.#records.delete(link);
        const [fresh] = await openLinks(
          [now],
          this.stats,
          (p, r, l) => this.#onPacket(p, r, l),
          this.#linkOptions(),
        );
        if (!fresh) continue;
        if (this.#isClosed()) {
          await fresh.close();
          return;
        }
        this.#links[index] = fresh;
        changed = true;
      }
      if (changed) {
        this.#init.logger?.debug('mdns: interface addresses changed, re-announcing');
        this.#rebuild();
        await this.#announce();
      }
    } catch (error) {
      this.#init.logger?.warn('mdns: re-announcing after an address change failed', { error: String(error) });
    } finally {
      this.#checking = false;
    }
  }

  async update(cardBytes: Uint8Array): Promise<void> {
    if (this.#phase === 'closed') return;
    const card = this.#verify(cardBytes, Math.floor(Date.now() / 1000));
    const txt = encodeServiceTxt(cardBytes, card);
    const before = new Map(this.#records);
    this.#txt = txt;
    this.#deviceTypes = card.deviceTypes.filter(isDeviceType);
    this.#cardId = card.id;
    this.#rebuild();
    if (this.#phase !== 'announced') return;
    // Shared records that vanished (a dropped subtype) need a goodbye; unique ones are replaced
    // through the cache-flush bit of the new announcement (RFC 6762 §10.2).
    await Promise.all(
      this.#links.map((link) => {
        const gone = (before.get(link) ?? []).filter((r) => !r.unique && !this.#ownKeys.has(r.key));
        return gone.length
          ? link.send({
              type: 'response',
              flags: dnsPacket.AUTHORITATIVE_ANSWER,
              answers: withTtl(gone, () => 0, false),
            })
          : undefined;
      }),
    );
    await this.#announce();
  }

  close(options?: { goodbye?: boolean }): Promise<void> {
    this.#closing ??= this.#shutdown(options?.goodbye !== false);
    return this.#closing;
  }

  async #shutdown(goodbye: boolean): Promise<void> {
    const wasAnnounced = this.#phase === 'announced' && goodbye;
    this.#phase = 'closed';
    releaseOnSignals(this);
    clearInterval(this.#watch);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const wake of this.#wakers) wake();
    if (wasAnnounced) {
      // RFC 6762 §10.1: goodbye = the same records with TTL 0.
      await Promise.all(
        this.#links.map((link) =>
          link.send({
            type: 'response',
            flags: dnsPacket.AUTHORITATIVE_ANSWER,
            answers: withTtl(this.#records.get(link) ?? [], () => 0, false),
          }),
        ),
      );
    }
    await Promise.all(this.#links.map((l) => l.close()));
  }

  #rebuild(): void {
    for (const k of this.#ownKeys) if (this.#formerKeys.size < 256) this.#formerKeys.add(k);
    this.#ownKeys.clear();
    for (const link of this.#links) {
      const records = buildRecords({
        instance: this.name,
        host: this.hostName,
        port: this.#init.port,
        txt: this.#txt,
        deviceTypes: this.#deviceTypes,
        ipv4: [link.iface.address],
        ipv6: link.iface.ipv6,
        ttl: this.#ttl,
      });
      this.#records.set(link, records);
      for (const r of records) this.#ownKeys.add(r.key);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#timers.delete(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#timers.add(timer);
      this.#wakers.add(wake);
    });
  }

  /**
   * RFC 6762 §8.1: three probes 250 ms apart after a random 0–250 ms delay; rename on conflict. The
   * probes are QU questions, so a defender can answer at once by unicast, unless another socket
   * shares the mDNS port and could receive that answer instead (§15.1). It never gives up: after 15
   * conflicts within 10 s each further attempt waits 5 s (§8.1), so a host that answers every probe
   * with a conflict costs one rename per 5 s while it keeps at it, and the announcer is announced
   * again at most about 6 s after it stops. Only `close()` ends the loop.
   */
  async #probe(): Promise<void> {
    for (;;) {
      this.#phase = 'probing';
      this.#conflict = { instance: false, host: false, deferred: false };
      this.#rebuild();
      await this.#sleep(this.#backoffMs() + Math.random() * PROBE_INTERVAL_MS);
      for (let i = 0; i < 3 && !this.#conflicted(); i++) {
        if (this.#isClosed()) return;
        const qu = this.#soleOnPort();
        await Promise.all(this.#links.map((link) => link.send(this.#probePacket(link, qu))));
        await this.#sleep(PROBE_INTERVAL_MS);
      }
      if (this.#isClosed()) return;
      // One round can find both names taken (one reply may claim both); each is renamed.
      if (this.#conflict.instance || this.#conflict.host) {
        this.#noteConflict();
        if (this.#conflict.instance) {
          this.name = nextInstanceName(this.name);
          this.#init.logger?.debug('mdns: instance name taken, renaming', { name: this.name });
        }
        if (this.#conflict.host) this.hostName = nextHostName(this.hostName);
      } else if (this.#conflict.deferred) {
        this.#noteConflict();
        await this.#sleep(1000); // §8.2: the tiebreak loser waits one second and probes again
      } else {
        return;
      }
    }
  }

  #noteConflict(): void {
    const now = Date.now();
    this.#conflictTimes = this.#conflictTimes.filter((t) => now - t < CONFLICT_WINDOW_MS);
    this.#conflictTimes.push(now);
  }

  /**
   * RFC 6762 §8.1: once 15 conflicts fell within 10 s, each further probe waits 5 s, until 10 s
   * pass with no conflict (otherwise a storm would get a fresh burst whenever old conflicts age out).
   */
  #backoffMs(): number {
    const now = Date.now();
    const recent = this.#conflictTimes.filter((t) => now - t < CONFLICT_WINDOW_MS);
    if (recent.length >= CONFLICT_BURST && !this.#storm) {
      this.#storm = true;
      this.#init.logger?.warn('mdns: conflict storm, probing every 5 s until it stops', { name: this.name });
    } else if (recent.length === 0) {
      this.#storm = false;
    }
    return this.#storm ? CONFLICT_BACKOFF_MS : 0;
  }

  #isClosed(): boolean {
    return this.#phase === 'closed';
  }

  #conflicted(): boolean {
    return this.#conflict.instance || this.#conflict.host || this.#conflict.deferred;
  }

  /** True when the only sockets on the mDNS port are this announcer's own links (RFC 6762 §15.1). */
  #soleOnPort(): boolean {
    const sockets = udpSocketsOnPort(this.#mdnsPort);
    return sockets !== undefined && sockets <= this.#links.length;
  }

  #probePacket(link: Link, qu: boolean) {
    const unique = (this.#records.get(link) ?? []).filter((r) => r.unique);
    return {
      type: 'query' as const,
      questions: [
        { name: instanceFqdn(this.name), type: ANY, qu },
        { name: `${this.hostName}.local`, type: ANY, qu },
      ],
      authorities: unique.map((r) => r.answer),
    };
  }

  /** RFC 6762 §8.3: unsolicited responses with every record, twice, one second apart. */
  async #announce(): Promise<void> {
    if (this.#isClosed()) return;
    this.#phase = 'announced';
    retainOnSignals(this, this.#init.handleSignals !== false);
    const send = () =>
      Promise.all(this.#links.map((link) => this.#multicast(link, this.#records.get(link) ?? [], [])));
    await send();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void send();
    }, ANNOUNCE_INTERVAL_MS);
    this.#timers.add(timer);
  }

  #multicast(link: Link, chosen: readonly OwnRecord[], extra: readonly OwnRecord[]): Promise<void> {
    const now = Date.now();
    for (const r of chosen) this.#lastMulticast.set(r.key, now);
    return link.send({
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      answers: chosen.map((r) => r.answer),
      additionals: extra.map((r) => r.answer),
    });
  }

  #onPacket(packet: DecodedPacket, rinfo: RemoteInfo, link: Link): void {
    if (this.#isClosed()) return;
    if (packet.type === 'response') {
      // RFC 6762 §6: responses from a port other than 5353 are not mDNS responses.
      if (rinfo.port === this.#mdnsPort) this.#checkConflict(packet, rinfo);
      return;
    }
    if (this.#phase === 'probing') {
      this.#checkTiebreak(packet, rinfo, link);
      return;
    }
    this.#answer(packet, rinfo, link);
  }

  /**
   * Which of our unique names `records` (from one packet sent by `source`) really claim for another
   * device. RFC 6762 §9 leaves what counts as inconsistent "context sensitive", and identical rdata
   * never conflicts. Here, so that our own records echoed back, a replay of our older card or a
   * bit-flipped copy of our announcement never cost us a name:
   * - the instance name is claimed only by a TXT carrying a card that verifies and names another
   *   identity: every lanrtc device publishes one, and an SRV alone is no proof of another device;
   * - the host name is claimed only by an A record whose address is the packet's source: a host
   *   claims a name for its own address, while a copy of ours carries our (or a mangled) address.
   */
  #claims(records: readonly Rr[], source: string): { instance: boolean; host: boolean } {
    const instance = instanceFqdn(this.name);
    const host = `${this.hostName}.local`;
    let onInstance = false;
    let onHost = false;
    for (const r of records) {
      if (!isInternetRecord(r) || r.ttl === 0 || !isWellFormed(r)) continue;
      if (!onInstance && r.type === 'TXT' && sameName(r.name, instance)) onInstance = this.#isForeignCard(r);
      if (
        !onHost &&
        r.type === 'A' &&
        sameName(r.name, host) &&
        r.data === source &&
        !this.#ownKeys.has(recordKey(r)) &&
        !this.#formerKeys.has(recordKey(r))
      )
        onHost = true;
    }
    return { instance: onInstance, host: onHost };
  }

  /** True when a TXT record for our instance name carries another identity's valid, unexpired card. */
  #isForeignCard(r: Rr): boolean {
    const key = recordKey(r);
    if (this.#ownKeys.has(key) || this.#formerKeys.has(key) || this.#rejectedClaims.has(key)) return false;
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== this.#claimChecks.second) this.#claimChecks = { second, count: 0 };
    if (++this.#claimChecks.count > CLAIM_VERIFICATIONS_PER_SECOND) {
      this.stats.flooded++;
      return false;
    }
    let foreign = false;
    try {
      const card = this.#verify(decodeServiceTxt(r.data).card, Math.floor(now / 1000));
      foreign = card.id !== this.#cardId;
    } catch {
      foreign = false; // garbage, forged or expired: no device stands behind it
    }
    if (!foreign) {
      if (this.#rejectedClaims.size >= 256) this.#rejectedClaims.clear();
      this.#rejectedClaims.add(key);
    }
    return foreign;
  }

  /**
   * RFC 6762 §9: a response that really claims one of our unique names (see `#claims`) is a
   * conflict. While probing it renames; once announced the names go back to probing, so the claim
   * is checked again by three fresh probes before anything is renamed.
   */
  #checkConflict(packet: DecodedPacket, rinfo: RemoteInfo): void {
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])].filter(isInternetRecord);
    const claim = this.#claims(records, rinfo.address);
    if (!claim.instance && !claim.host) return;
    if (this.#phase === 'probing') {
      if (claim.instance) this.#conflict.instance = true;
      if (claim.host) this.#conflict.host = true;
      return;
    }
    if (this.#reprobing) return;
    this.#reprobing = true;
    this.#noteConflict();
    this.#init.logger?.warn('mdns: conflicting record seen after announcing, probing again', {
      name: claim.instance ? instanceFqdn(this.name) : `${this.hostName}.local`,
    });
    void this.#probe()
      .then(() => this.#announce())
      .catch((error: unknown) => this.#init.logger?.warn('mdns: re-probe failed', { error: String(error) }))
      .finally(() => {
        this.#reprobing = false;
      });
  }

  /**
   * RFC 6762 §8.2: another host probing for our name; the lexicographically earlier set loses. Only
   * a probe that really claims the name (see `#claims`) takes part, so an echo of our own probe
   * (identical sets) or a mangled copy of it never makes us back off.
   */
  #checkTiebreak(packet: DecodedPacket, rinfo: RemoteInfo, link: Link): void {
    const authorities = (packet.authorities ?? []).filter(isInternetRecord);
    if (authorities.length === 0) return;
    const claim = this.#claims(authorities, rinfo.address);
    const ours = this.#records.get(link) ?? [];
    const names: string[] = [];
    if (claim.instance) names.push(instanceFqdn(this.name));
    if (claim.host) names.push(`${this.hostName}.local`);
    for (const name of names) {
      const theirs = authorities.filter((r) => sameName(r.name, name));
      const mine = ours.filter((r) => r.unique && sameName(r.answer.name, name)).map((r) => r.answer);
      const c = compareRecordSets(mine, theirs);
      if (c < 0) this.#conflict.deferred = true;
    }
  }

  #answer(packet: DecodedPacket, rinfo: RemoteInfo, link: Link): void {
    const records = this.#records.get(link) ?? [];
    const questions = (packet.questions ?? []).map(normalizeQuestion).filter((q) => q !== undefined);
    const chosen = new Map<string, OwnRecord>();
    let allQu = true;
    for (const q of questions) {
      const matched = records.filter((r) => answers(r, q));
      if (matched.length > 0 && !q.qu) allQu = false;
      for (const r of matched) chosen.set(r.key, r);
    }
    if (chosen.size === 0) return;
    // RFC 6762 §7.1: skip answers the querier already holds with at least half the TTL left.
    const known = new Map<string, number>();
    for (const a of packet.answers ?? []) if (isInternetRecord(a)) known.set(recordKey(a), a.ttl ?? 0);
    const suppressed = (r: OwnRecord) => (known.get(r.key) ?? -1) >= (r.answer.ttl ?? 0) / 2;
    const picked = [...chosen.values()].filter((r) => !suppressed(r));
    if (picked.length === 0) return;
    const extra = additionalsFor(picked, records).filter((r) => !suppressed(r));
    const now = Date.now();

    if (rinfo.port !== this.#mdnsPort) {
      // RFC 6762 §6.7 legacy unicast: reply to the source port, repeat the question, keep the id,
      // TTL ≤ 10 s, no cache-flush bits.
      if (!this.#unicastAllowed(now)) return;
      void link.send(
        {
          type: 'response',
          id: packet.id ?? 0,
          flags: dnsPacket.AUTHORITATIVE_ANSWER,
          questions: questions.map((q) => ({
            name: q.name,
            type: asRecordType(q.type),
            class: 'IN' as const,
          })),
          answers: withTtl(picked, (r) => Math.min(r.answer.ttl ?? 0, LEGACY_TTL_CAP), false),
          additionals: withTtl(extra, (r) => Math.min(r.answer.ttl ?? 0, LEGACY_TTL_CAP), false),
        },
        rinfo,
      );
      return;
    }
    // RFC 6762 §5.4: a QU question gets a unicast reply, unless we have not multicast the record
    // within a quarter of its TTL, in which case multicasting keeps every cache fresh.
    const recent = picked.every(
      (r) => now - (this.#lastMulticast.get(r.key) ?? -Infinity) < ((r.answer.ttl ?? 0) * 1000) / 4,
    );
    if (allQu && recent) {
      if (!this.#unicastAllowed(now)) return;
      void link.send(
        {
          type: 'response',
          flags: dnsPacket.AUTHORITATIVE_ANSWER,
          answers: picked.map((r) => r.answer),
          additionals: extra.map((r) => r.answer),
        },
        rinfo,
      );
      return;
    }
    // RFC 6762 §6: at most one multicast of a record per second (250 ms when defending against a probe).
    const isProbe = (packet.authorities ?? []).length > 0;
    const spacing = isProbe ? 250 : 1000;
    const due = picked.filter((r) => now - (this.#lastMulticast.get(r.key) ?? -Infinity) >= spacing);
    if (due.length === 0) return;
    // RFC 6762 §6: unique answers go at once; shared ones after 20–120 ms to spread responders out.
    const delay = isProbe || due.every((r) => r.unique) ? 0 : 20 + Math.random() * 100;
    if (delay === 0) {
      void this.#multicast(link, due, extra);
      return;
    }
    for (const r of due) this.#lastMulticast.set(r.key, now + delay);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#isClosed()) void this.#multicast(link, due, extra);
    }, delay);
    this.#timers.add(timer);
  }

  #unicastAllowed(now: number): boolean {
    const second = Math.floor(now / 1000);
    if (second !== this.#unicast.second) this.#unicast = { second, count: 0 };
    if (++this.#unicast.count > UNICAST_REPLIES_PER_SECOND) {
      this.stats.flooded++;
      return false;
    }
    return true;
  }
}

/**
 * Publish `init.card` as `_lanrtc._udp.local` with one subtype per device type; resolves once the
 * names are probed (renamed on conflict) and the first announcement is sent.
 */
export async function announce<C extends VerifiedCard = Card>(init: AnnounceInit<C>): Promise<Announcement> {
  const announcer = new Announcer(init);
  const onAbort = () => void announcer.close();
  init.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    init.signal?.throwIfAborted();
    await announcer.start();
    // Aborted while probing (which never gives up under a conflict storm): say so, not a closed announcement.
    init.signal?.throwIfAborted();
  } catch (error) {
    init.signal?.removeEventListener('abort', onAbort);
    await announcer.close();
    throw error;
  }
  return announcer;
}
