/**
 * The on-disk chunk-hash store: what was put comes back only for the same file version and chunk
 * size; broken entries are dropped (removed and counted); the number of entries stays bounded; and
 * `createFsSource` offers a large file from a stored entry without hashing it.
 */
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsSource } from '../../src/transfer/fs-source.js';
import { createChunkHashStore, HASH_STORE_MIN_BYTES } from '../../src/transfer/hash-store.js';
import { tempDir } from './fs-support.js';

const stampOf = (size = 3n * 1024n * 1024n, ino = 7n) => ({
  dev: 2049n,
  ino,
  size,
  mtimeNs: 1_700_000_000_123_456_789n,
  ctimeNs: 1_700_000_001_000_000_001n,
});
const hashes = (n: number, fill: number) =>
  Array.from({ length: n }, (_, i) => new Uint8Array(32).fill(fill + i));
const entries = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.hashes'));

describe('createChunkHashStore', () => {
  it('gives back what was put for the same file version and chunk size only', async () => {
    const dir = join(tempDir(), 'store');
    const store = createChunkHashStore({ dir });
    expect(await store.get(stampOf(), 1 << 20)).toBeUndefined();
    await store.put(stampOf(), 1 << 20, hashes(3, 1));
    expect(await store.get(stampOf(), 1 << 20)).toEqual(hashes(3, 1));
    expect(await createChunkHashStore({ dir }).get(stampOf(), 1 << 20)).toEqual(hashes(3, 1));
    for (const changed of [
      { ...stampOf(), ctimeNs: stampOf().ctimeNs + 1n },
      { ...stampOf(), mtimeNs: stampOf().mtimeNs - 1n },
      { ...stampOf(), size: stampOf().size - 1n },
      stampOf(undefined, 8n),
    ])
      expect(await store.get(changed, 1 << 20)).toBeUndefined();
    expect(await store.get(stampOf(), 1 << 19)).toBeUndefined();
    expect(store.dropped).toBe(0);
    await store.clear();
    expect(existsSync(dir)).toBe(false);
  });

  it('clears only its own entries from a folder that holds other files', async () => {
    const dir = join(tempDir(), 'shared');
    const store = createChunkHashStore({ dir });
    await store.put(stampOf(), 1 << 20, hashes(3, 1));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await store.clear();
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(await store.get(stampOf(), 1 << 20)).toBeUndefined();
  });

  it.each([
    ['cut short', (b: Buffer) => b.subarray(0, b.length - 1)],
    ['a byte more', (b: Buffer) => Buffer.concat([b, Buffer.of(0)])],
    ['another magic', (b: Buffer) => Buffer.concat([Buffer.from('LRTCHSH2'), b.subarray(8)])],
    [
      'a count that does not fit the size',
      (b: Buffer) => {
        const c = Buffer.from(b);
        c.writeUInt32BE(2, 52);
        return c;
      },
    ],
    ['empty', () => Buffer.alloc(0)],
  ])('drops an entry that is %s: removed, counted, not used', async (_, spoil) => {
    const dir = join(tempDir(), 'store');
    const store = createChunkHashStore({ dir });
    await store.put(stampOf(), 1 << 20, hashes(3, 9));
    const [name] = entries(dir);
    const file = join(dir, name as string);
    writeFileSync(file, spoil(readFileSync(file)));
    expect(await store.get(stampOf(), 1 << 20)).toBeUndefined();
    expect(store.dropped).toBe(1);
    expect(entries(dir)).toEqual([]);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const dir = join(tempDir(), 'store');
    const filler = createChunkHashStore({ dir, maxEntries: 100 });
    for (let i = 0; i < 5; i++) await filler.put(stampOf(1n << 20n, BigInt(100 + i)), 1 << 20, hashes(1, i));
    for (const [i, name] of entries(dir).entries()) utimesSync(join(dir, name), 1000 + i, 1000 + i);
    const newest = entries(dir).slice(-2);
    // A new store looks at the count on its first write.
    await createChunkHashStore({ dir, maxEntries: 3 }).put(stampOf(1n << 20n, 999n), 1 << 20, hashes(1, 50));
    const left = entries(dir);
    expect(left).toHaveLength(3);
    for (const name of newest) expect(left).toContain(name);
  });

  it('lets createFsSource offer a large file from its stored hashes, without reading it', async () => {
    const from = tempDir();
    const file = join(from, 'big.bin');
    writeFileSync(file, Buffer.alloc(HASH_STORE_MIN_BYTES, 3));
    const st = statSync(file, { bigint: true });
    const stamp = { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
    const hashStore = createChunkHashStore({ dir: join(tempDir(), 'store') });
    // Recognisably not the file's real hashes: only a lookup can have produced them.
    await hashStore.put(stamp, 1 << 20, hashes(16, 100));
    const source = await createFsSource([file], { hashStore });
    expect(source.manifest.files[0]?.chunkHashes).toEqual(hashes(16, 100));
    await source.close();
  });

  it('records what createFsSource hashed, for the next process', async () => {
    const from = tempDir();
    const file = join(from, 'big.bin');
    writeFileSync(file, Buffer.alloc(HASH_STORE_MIN_BYTES + 5, 4));
    const dir = join(tempDir(), 'store');
    const source = await createFsSource([file], { hashStore: createChunkHashStore({ dir }) });
    const st = statSync(file, { bigint: true });
    const stamp = { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
    expect(await createChunkHashStore({ dir }).get(stamp, 1 << 20)).toEqual(
      source.manifest.files[0]?.chunkHashes,
    );
    await source.close();
  });
});
