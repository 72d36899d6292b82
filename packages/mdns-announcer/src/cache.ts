/**
 * A bounded mDNS record cache (RFC 6762 §10): TTL expiry, goodbyes kept for one more second
 * (§10.1), the cache-flush bit retiring older copies after one second (§10.2), and the 80/85/90/95 %
 * re-query points of §5.2. Memory is bounded: when full, the entry closest to expiry is evicted.
 */
import type { MdnsStats } from './stats.js';
import { type Rr, recordKey } from './wire.js';

/** One cached record. */
export interface CacheEntry {
  answer: Rr;
  readonly key: string;
  receivedAt: number;
  expiresAt: number;
  ttlMs: number;
  /** Index into the §5.2 re-query points already passed. */
  requery: number;
  /** Random 0–2 % added to each re-query point (§5.2) so queriers do not synchronise. */
  jitter: number;
}

/** RFC 6762 §5.2 re-query points as fractions of the TTL. */
export const REQUERY_POINTS = [0.8, 0.85, 0.9, 0.95] as const;

const bucketKey = (name: string, type: string) => `${name.toLowerCase()}|${type}`;

/** Records indexed by (name, type). */
export class RecordCache {
  readonly #buckets = new Map<string, Map<string, CacheEntry>>();
  readonly #max: number;
  readonly #stats: MdnsStats;
  #size = 0;

  constructor(max: number, stats: MdnsStats) {
    this.#max = max;
    this.#stats = stats;
  }

  get size(): number {
    return this.#size;
  }

  /** Insert or refresh a received record. */
  add(answer: Rr, now: number): void {
    const key = recordKey(answer);
    const bucketName = bucketKey(answer.name, answer.type);
    let bucket = this.#buckets.get(bucketName);
    const existing = bucket?.get(key);
    const ttl = answer.ttl ?? 0;
    if (ttl === 0) {
      // §10.1: a goodbye keeps the record for one more second, then it is gone.
      if (existing) existing.expiresAt = Math.min(existing.expiresAt, now + 1000);
      return;
    }
    if (answer.flush && bucket) {
      // §10.2: other records of this name and type older than one second expire in one second.
      for (const e of bucket.values()) {
        if (e.key !== key && now - e.receivedAt > 1000) e.expiresAt = Math.min(e.expiresAt, now + 1000);
      }
    }
    if (existing) {
      existing.answer = answer;
      existing.receivedAt = now;
      existing.ttlMs = ttl * 1000;
      existing.expiresAt = now + ttl * 1000;
      existing.requery = 0;
      return;
    }
    if (this.#size >= this.#max) this.#evictOne();
    if (!bucket) {
      bucket = new Map();
      this.#buckets.set(bucketName, bucket);
    }
    bucket.set(key, {
      answer,
      key,
      receivedAt: now,
      expiresAt: now + ttl * 1000,
      ttlMs: ttl * 1000,
      requery: 0,
      jitter: Math.random() * 0.02,
    });
    this.#size++;
  }

  /** True when `answer` (name, type, rdata) is held with more than the one-second goodbye grace left. */
  holdsLive(answer: Rr, now: number): boolean {
    const e = this.#buckets.get(bucketKey(answer.name, answer.type))?.get(recordKey(answer));
    return e !== undefined && e.expiresAt - now > 1000;
  }

  /** Live records of one name and type. */
  find(name: string, type: string, now: number): CacheEntry[] {
    const bucket = this.#buckets.get(bucketKey(name, type));
    return bucket ? [...bucket.values()].filter((e) => e.expiresAt > now) : [];
  }

  /** Drop expired records. */
  expire(now: number): void {
    for (const [name, bucket] of this.#buckets) {
      for (const [key, e] of bucket) {
        if (e.expiresAt <= now) {
          bucket.delete(key);
          this.#size--;
        }
      }
      if (bucket.size === 0) this.#buckets.delete(name);
    }
  }

  /** Entries of the given (name, type) pairs whose next §5.2 re-query point has passed; advances them. */
  takeRequeries(wanted: ReadonlySet<string>, now: number): Array<{ name: string; type: string }> {
    const out: Array<{ name: string; type: string }> = [];
    for (const [name, bucket] of this.#buckets) {
      if (!wanted.has(name)) continue;
      for (const e of bucket.values()) {
        const point = REQUERY_POINTS[e.requery];
        if (point === undefined || e.expiresAt <= now) continue;
        if (now - e.receivedAt >= (point + e.jitter) * e.ttlMs) {
          while (
            REQUERY_POINTS[e.requery] !== undefined &&
            now - e.receivedAt >= (REQUERY_POINTS[e.requery] ?? 1) * e.ttlMs
          )
            e.requery++;
          out.push({ name: e.answer.name, type: e.answer.type });
        }
      }
    }
    return out;
  }

  #evictOne(): void {
    let victim: { bucket: Map<string, CacheEntry>; entry: CacheEntry } | undefined;
    for (const bucket of this.#buckets.values()) {
      for (const entry of bucket.values()) {
        if (!victim || entry.expiresAt < victim.entry.expiresAt) victim = { bucket, entry };
      }
    }
    if (!victim) return;
    victim.bucket.delete(victim.entry.key);
    this.#size--;
    this.#stats.evicted++;
  }
}

/** The cache's (name, type) index key, for `takeRequeries`. */
export function cacheBucket(name: string, type: string): string {
  return bucketKey(name, type);
}
