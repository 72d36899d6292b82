/**
 * The viewer's ring list: newest first, a ring replayed by a later `hello` kept once, at most
 * `MAX_RINGS` kept, and the snapshot URL of every dropped ring revoked (checked with Node's own
 * object-URL registry, the same `URL.createObjectURL` a browser has).
 */
import { resolveObjectURL } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { createRingList, MAX_RINGS } from '../src/viewer/rings.js';

const ring = (n: number, jpeg = true) => ({
  header: { id: `r-${n}`, at: 1_000 + n, size: jpeg ? 3 : 0, past: n % 2 === 0 },
  ...(jpeg ? { jpeg: Uint8Array.of(n, n, n) } : {}),
});

describe('ring list', () => {
  it('keeps rings newest first, each once, with their snapshot bytes', async () => {
    const list = createRingList();
    expect(list.add(ring(2))).toMatchObject({ id: 'r-2', past: true, jpegBytes: 3 });
    expect(list.add(ring(5, false))).toMatchObject({ id: 'r-5', url: undefined, jpegBytes: 0 });
    expect(list.add(ring(3))).toMatchObject({ id: 'r-3', past: false });
    expect(list.add(ring(2))).toBeUndefined();
    expect(list.rings.map((r) => r.id)).toEqual(['r-5', 'r-3', 'r-2']);
    const url = list.rings[1]?.url as string;
    expect(new Uint8Array(await (resolveObjectURL(url) as Blob).arrayBuffer())).toEqual(
      Uint8Array.of(3, 3, 3),
    );
  });

  it(`keeps at most ${MAX_RINGS} and revokes the URLs of the ones it drops`, () => {
    const list = createRingList();
    const urls = new Map<string, string>();
    for (let n = 0; n < MAX_RINGS + 5; n++) {
      const added = list.add(ring(n));
      if (added?.url) urls.set(added.id, added.url);
    }
    expect(list.rings).toHaveLength(MAX_RINGS);
    expect(list.rings[0]?.id).toBe(`r-${MAX_RINGS + 4}`);
    for (let n = 0; n < 5; n++) expect(resolveObjectURL(urls.get(`r-${n}`) as string)).toBeUndefined();
    expect(resolveObjectURL(urls.get(`r-${5}`) as string)).toBeDefined();
    // An older ring than all kept ones is not added at all (and leaves no URL behind).
    expect(list.add(ring(-1))).toBeUndefined();
    expect(list.rings).toHaveLength(MAX_RINGS);
    list.clear();
    expect(list.rings).toEqual([]);
    expect(resolveObjectURL(urls.get(`r-${MAX_RINGS + 4}`) as string)).toBeUndefined();
  });
});
