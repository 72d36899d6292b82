/**
 * A `.local` host-name resolver (RFC 6762 §5) scoped to chosen interfaces, for ICE candidates that
 * browsers obfuscate as `<uuid>.local`. Answers are cached until their TTL ends; the cache and the
 * set of pending names are bounded.
 */
import type { RemoteInfo } from 'node:dgram';
import { InvalidArgumentError, type Logger } from '@lanrtc/signal-core';
import type { DecodedPacket } from 'dns-packet';
import { ResolveTimeoutError } from './errors.js';
import { type Link, listInterfaces, openLinks } from './link.js';
import { MDNS_PORT } from './names.js';
import { createStats, type MdnsStats } from './stats.js';
import { isInternetRecord, isWellFormed } from './wire.js';

/** Options for `createResolver`. */
export interface ResolverInit {
  /** Interface names or IPv4 addresses; defaults to every non-internal IPv4 interface. */
  readonly interfaces?: readonly string[];
  /** How long `resolve` waits for an answer (default 3000 ms). */
  readonly timeoutMs?: number;
  /** UDP port of mDNS; 5353 except in isolated tests. */
  readonly mdnsPort?: number;
  /** Most names cached or pending (default 256). */
  readonly maxNames?: number;
  readonly logger?: Logger;
}

/** Addresses of one host name. */
export interface ResolvedAddresses {
  readonly ipv4: string[];
  readonly ipv6: string[];
}

/** An open resolver; `close()` rejects pending lookups and releases the sockets. */
export interface Resolver {
  readonly stats: MdnsStats;
  /** Resolve `name` (must end in `.local`); rejects with `ResolveTimeoutError` after the timeout. */
  resolve(name: string, options?: { signal?: AbortSignal }): Promise<ResolvedAddresses>;
  close(): Promise<void>;
}

interface Entry {
  ipv4: Map<string, number>;
  ipv6: Map<string, number>;
  waiters: Set<() => void>;
}

const LOCAL_NAME = /^(?=.{1,253}\.?$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+local\.?$/i;
const RETRY_MS = 1000; // RFC 6762 §5.2: repeat a one-shot query at least one second apart

/** Open a resolver on the chosen interfaces. */
export async function createResolver(init: ResolverInit = {}): Promise<Resolver> {
  const stats = createStats();
  const mdnsPort = init.mdnsPort ?? MDNS_PORT;
  const maxNames = init.maxNames ?? 256;
  const entries = new Map<string, Entry>();
  let closed = false;

  const live = (m: Map<string, number>, now: number) => [...m].filter(([, exp]) => exp > now).map(([a]) => a);
  const addresses = (e: Entry, now: number): ResolvedAddresses => ({
    ipv4: live(e.ipv4, now),
    ipv6: live(e.ipv6, now),
  });

  const onPacket = (packet: DecodedPacket, rinfo: RemoteInfo) => {
    if (closed || packet.type !== 'response' || rinfo.port !== mdnsPort) return;
    const now = Date.now();
    const touched = new Set<Entry>();
    for (const r of [...(packet.answers ?? []), ...(packet.additionals ?? [])]) {
      if (!isInternetRecord(r) || (r.type !== 'A' && r.type !== 'AAAA')) continue;
      if (!isWellFormed(r) || typeof r.data !== 'string') {
        stats.malformed++;
        continue;
      }
      // Only names someone asked for: unsolicited chatter must not grow the cache.
      const e = entries.get(r.name.toLowerCase());
      if (!e) continue;
      const ttl = r.ttl ?? 0;
      // RFC 6762 §10.1: a goodbye (TTL 0) removes the address after one second.
      const expires =
        ttl === 0
          ? Math.min(now + 1000, (r.type === 'A' ? e.ipv4 : e.ipv6).get(r.data) ?? 0)
          : now + ttl * 1000;
      (r.type === 'A' ? e.ipv4 : e.ipv6).set(r.data, expires);
      touched.add(e);
    }
    for (const e of touched) for (const wake of e.waiters) wake();
  };

  const links: Link[] = await openLinks(listInterfaces(init.interfaces), stats, onPacket, {
    port: mdnsPort,
    ...(init.logger ? { logger: init.logger } : {}),
  });
  const closers = new Set<() => void>();

  const entryFor = (name: string): Entry => {
    let e = entries.get(name);
    if (e) return e;
    if (entries.size >= maxNames) {
      // Drop the first idle name (insertion order ≈ oldest).
      for (const [k, v] of entries) {
        if (v.waiters.size === 0) {
          entries.delete(k);
          stats.evicted++;
          break;
        }
      }
    }
    e = { ipv4: new Map(), ipv6: new Map(), waiters: new Set() };
    entries.set(name, e);
    return e;
  };

  return {
    stats,
    resolve(name, options) {
      if (!LOCAL_NAME.test(name)) {
        return Promise.reject(new InvalidArgumentError('resolver only answers .local host names'));
      }
      if (closed) return Promise.reject(new ResolveTimeoutError('resolver closed'));
      const key = name.replace(/\.$/, '').toLowerCase();
      const e = entryFor(key);
      const cached = addresses(e, Date.now());
      if (cached.ipv4.length + cached.ipv6.length > 0) return Promise.resolve(cached);
      return new Promise<ResolvedAddresses>((resolve, reject) => {
        const ask = () => {
          // One question per query: Chromium's responder for its `<uuid>.local` ICE names ignores a
          // query asking A and AAAA together (measured, Chromium 156), though RFC 6762 §5 allows it.
          for (const link of links) {
            for (const type of ['A', 'AAAA'] as const) {
              void link.send({ type: 'query', questions: [{ name: key, type }] });
            }
          }
        };
        const finish = (error?: Error) => {
          clearTimeout(deadline);
          clearInterval(retry);
          e.waiters.delete(wake);
          closers.delete(onClose);
          options?.signal?.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve(addresses(e, Date.now()));
        };
        const wake = () => {
          const found = addresses(e, Date.now());
          if (found.ipv4.length + found.ipv6.length > 0) finish();
        };
        const onClose = () => finish(new ResolveTimeoutError('resolver closed before an answer'));
        const onAbort = () =>
          finish(
            options?.signal?.reason instanceof Error
              ? options.signal.reason
              : new ResolveTimeoutError('aborted'),
          );
        const deadline = setTimeout(
          () =>
            finish(
              new ResolveTimeoutError(`no answer for a .local name within ${init.timeoutMs ?? 3000} ms`),
            ),
          init.timeoutMs ?? 3000,
        );
        const retry = setInterval(ask, RETRY_MS);
        e.waiters.add(wake);
        closers.add(onClose);
        options?.signal?.addEventListener('abort', onAbort, { once: true });
        ask();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const c of [...closers]) c();
      await Promise.all(links.map((l) => l.close()));
    },
  };
}
