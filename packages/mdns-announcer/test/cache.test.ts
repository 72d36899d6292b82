import { describe, expect, it } from 'vitest';
import { cacheBucket, RecordCache } from '../src/cache.js';
import { createStats } from '../src/stats.js';
import type { Rr } from '../src/wire.js';

const a = (ip: string, ttl: number, flush = false): Rr => ({
  name: 'h.local',
  type: 'A',
  ttl,
  data: ip,
  flush,
});

describe('RecordCache (RFC 6762 §10)', () => {
  it('expires records at their TTL and keeps a goodbye for one second (§10.1)', () => {
    const cache = new RecordCache(10, createStats());
    cache.add(a('10.0.0.1', 2), 0);
    expect(cache.find('h.local', 'A', 1999)).toHaveLength(1);
    expect(cache.find('h.local', 'A', 2000)).toHaveLength(0);
    cache.add(a('10.0.0.1', 120), 0);
    cache.add(a('10.0.0.1', 0), 5000);
    expect(cache.find('h.local', 'A', 5999)).toHaveLength(1);
    expect(cache.find('h.local', 'A', 6000)).toHaveLength(0);
  });

  it('retires older copies one second after a cache-flush record (§10.2)', () => {
    const cache = new RecordCache(10, createStats());
    cache.add(a('10.0.0.1', 120), 0);
    cache.add(a('10.0.0.2', 120, true), 5000);
    expect(cache.find('h.local', 'A', 5500).map((e) => e.answer.data)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(cache.find('h.local', 'A', 6000).map((e) => e.answer.data)).toEqual(['10.0.0.2']);
  });

  it('stays within its cap, evicting the entry closest to expiry', () => {
    const stats = createStats();
    const cache = new RecordCache(3, stats);
    for (let i = 0; i < 10; i++) cache.add(a(`10.0.0.${i}`, 100 + i), 0);
    expect(cache.size).toBe(3);
    expect(stats.evicted).toBe(7);
    expect(cache.find('h.local', 'A', 0).map((e) => e.answer.data)).toEqual([
      '10.0.0.7',
      '10.0.0.8',
      '10.0.0.9',
    ]);
  });

  it('asks for re-queries at 80/85/90/95 % of the TTL (§5.2)', () => {
    const cache = new RecordCache(10, createStats());
    cache.add(a('10.0.0.1', 100), 0);
    const wanted = new Set([cacheBucket('h.local', 'A')]);
    expect(cache.takeRequeries(wanted, 79_000)).toEqual([]);
    const points = [83_000, 88_000, 93_000, 98_000].map((t) => cache.takeRequeries(wanted, t).length);
    expect(points).toEqual([1, 1, 1, 1]);
    expect(cache.takeRequeries(wanted, 99_000)).toEqual([]);
    expect(cache.takeRequeries(new Set(), 83_000)).toEqual([]);
  });
});
