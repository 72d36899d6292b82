/** File-backed trust store: the shared TrustStore contract, file modes, hostile files, locking. */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, uptime } from 'node:os';
import { join } from 'node:path';
import { UnsupportedVersionError } from '@lanrtc/signal-core';
import { describe, expect, it } from 'vitest';
import { runTrustStoreConformance, samplePeer } from '../../../signal-core/test/trust/conformance.js';
import {
  CorruptStoreError,
  createFileTrustStore,
  type FileTrustStore,
  InsecureFileModeError,
  StoreLockedError,
} from '../../src/index.js';
import { serializeTrustDocument } from '../../src/store/trust-document.js';
import { tempDir } from './support.js';

runTrustStoreConformance('file', () => createFileTrustStore({ dir: tempDir() }), {
  reopen: (store) => createFileTrustStore({ file: (store as FileTrustStore).file }),
});

/** This boot's start, as lock.ts records it. */
const bootNow = Math.round(Date.now() / 1000 - uptime());
const mode = (path: string): number => statSync(path).mode & 0o777;

/** A version-1 document holding `peer` (a JSON value) as its only record. */
const withPeer = (peer: unknown): string => JSON.stringify({ v: 1, peers: [peer] });
const peerJson = JSON.parse(serializeTrustDocument([samplePeer(1, true)])).peers[0] as Record<
  string,
  unknown
>;

describe('file trust store: files and modes', () => {
  it('writes <dir>/trust.json 0600 in a directory it creates 0700, as a versioned document', async () => {
    const dir = join(tempDir(), 'nested', 'lanrtc');
    const store = await createFileTrustStore({ dir });
    expect(store.file).toBe(join(dir, 'trust.json'));
    expect(existsSync(store.file)).toBe(false); // nothing written until the first change
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, '..'))).toBe(0o700);
    const peer = samplePeer(1);
    await store.update(peer.id, () => peer);
    expect(mode(store.file)).toBe(0o600);
    const doc = JSON.parse(readFileSync(store.file, 'utf8'));
    expect(doc.v).toBe(1);
    expect(doc.peers).toHaveLength(1);
    expect(doc.peers[0].id).toBe(peer.id);
    // No temporary or lock file is left behind.
    expect(readdirSync(dir)).toEqual(['trust.json']);
  });

  it('keeps a file 0600 even under a permissive umask', async () => {
    const old = process.umask(0o000);
    try {
      const store = await createFileTrustStore({ dir: join(tempDir(), 'd') });
      await store.update(samplePeer(1).id, () => samplePeer(1));
      expect(mode(store.file)).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });

  it('refuses a store file that group or others can access, unless allowed', async () => {
    for (const bits of [0o640, 0o604, 0o660, 0o602]) {
      const file = join(tempDir(), 'trust.json');
      writeFileSync(file, serializeTrustDocument([samplePeer(1)]));
      chmodSync(file, bits);
      await expect(createFileTrustStore({ file })).rejects.toThrow(InsecureFileModeError);
      await expect(createFileTrustStore({ file })).rejects.toThrow(file);
      const allowed = await createFileTrustStore({ file, allowInsecureMode: true });
      expect(await allowed.list()).toHaveLength(1);
    }
  });

  it('refuses a file that turned insecure after opening, on the next read', async () => {
    const store = await createFileTrustStore({ dir: tempDir() });
    await store.update(samplePeer(1).id, () => samplePeer(1));
    chmodSync(store.file, 0o644);
    await expect(store.list()).rejects.toThrow(InsecureFileModeError);
  });
});

describe('file trust store: hostile files', () => {
  const cases: [string, string, new (...a: never[]) => Error][] = [
    ['empty file', '', CorruptStoreError],
    ['not JSON', 'hello', CorruptStoreError],
    [
      'truncated document',
      serializeTrustDocument([samplePeer(1), samplePeer(2)]).slice(0, 200),
      CorruptStoreError,
    ],
    ['JSON array', '[]', CorruptStoreError],
    ['JSON null', 'null', CorruptStoreError],
    ['no version', JSON.stringify({ peers: [] }), CorruptStoreError],
    ['string version', JSON.stringify({ v: '1', peers: [] }), CorruptStoreError],
    ['version 2', JSON.stringify({ v: 2, peers: [] }), UnsupportedVersionError],
    ['version 0', JSON.stringify({ v: 0, peers: [] }), UnsupportedVersionError],
    ['unknown key', JSON.stringify({ v: 1, peers: [], extra: 1 }), CorruptStoreError],
    ['peers not a list', JSON.stringify({ v: 1, peers: {} }), CorruptStoreError],
    ['peer not an object', withPeer(7), CorruptStoreError],
    ['peer with bad key hex', withPeer({ ...peerJson, publicKey: 'zz' }), CorruptStoreError],
    ['peer id not from its key', withPeer({ ...peerJson, id: samplePeer(2).id }), CorruptStoreError],
    ['peer with negative failures', withPeer({ ...peerJson, failures: -1 }), CorruptStoreError],
    [
      'peer with unknown flag',
      withPeer({ ...peerJson, flags: [{ kind: 'x', at: 1, detail: '' }] }),
      CorruptStoreError,
    ],
    ['same peer twice', JSON.stringify({ v: 1, peers: [peerJson, peerJson] }), CorruptStoreError],
  ];
  for (const [what, text, error] of cases) {
    it(`rejects ${what} with ${error.name}, naming the file, and leaves it untouched`, async () => {
      const file = join(tempDir(), 'trust.json');
      writeFileSync(file, text, { mode: 0o600 });
      await expect(createFileTrustStore({ file })).rejects.toThrow(error);
      await expect(createFileTrustStore({ file })).rejects.toThrow(file);
      expect(readFileSync(file, 'utf8')).toBe(text);
    });
  }

  it('passes the parse failure as the cause', async () => {
    const file = join(tempDir(), 'trust.json');
    writeFileSync(file, withPeer({ ...peerJson, publicKey: 'zz' }), { mode: 0o600 });
    const err = await createFileTrustStore({ file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptStoreError);
    expect((err as Error).cause).toMatchObject({ name: 'MalformedInputError' });
  });

  it('rejects a directory where the file should be, and a file that became corrupt after opening', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'trust.json'));
    await expect(createFileTrustStore({ dir })).rejects.toThrow(CorruptStoreError);
    const store = await createFileTrustStore({ dir: join(dir, 'other') });
    await store.update(samplePeer(1).id, () => samplePeer(1));
    writeFileSync(store.file, '{"v":1,"peers":[', { mode: 0o600 });
    // An update must not "repair" the file by writing a store without the records it could not read.
    await expect(store.update(samplePeer(2).id, () => samplePeer(2))).rejects.toThrow(CorruptStoreError);
    expect(readFileSync(store.file, 'utf8')).toBe('{"v":1,"peers":[');
  });
});

describe('file trust store: concurrency and locking', () => {
  it('applies 100 parallel updates from one process, none lost, across two records and two instances', async () => {
    const dir = tempDir();
    const [a, b] = [await createFileTrustStore({ dir }), await createFileTrustStore({ dir })];
    const [p, q] = [samplePeer(1), samplePeer(2)];
    await a.update(p.id, () => p);
    await b.update(q.id, () => q);
    const inc = (id: string) => (s: FileTrustStore) =>
      s.update(id, (cur) => cur && { ...cur, failures: cur.failures + 1 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => inc(i % 2 ? p.id : q.id)(i % 4 < 2 ? a : b)));
    expect((await a.get(p.id))?.failures).toBe(50);
    expect((await b.get(q.id))?.failures).toBe(50);
  });

  it('keeps working after a failed update (the queue does not stall)', async () => {
    const store = await createFileTrustStore({ dir: tempDir() });
    const p = samplePeer(1);
    const results = await Promise.allSettled([
      store.update(p.id, () => {
        throw new Error('boom');
      }),
      store.update(p.id, () => p),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(await store.get(p.id)).toEqual(p);
  });

  it('breaks a lock left by a process that no longer runs, and removes its temporary files', async () => {
    const dir = tempDir();
    const file = join(dir, 'trust.json');
    const dead = 2 ** 22 + 12345; // above Linux's pid_max default range: no such process
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: dead, host: hostname(), boot: bootNow, token: 't' }));
    writeFileSync(join(dir, `trust.json.${dead}.0123456789ab.tmp`), 'half');
    // A breaker killed between writing its lock's temporary and removing it.
    writeFileSync(join(dir, `trust.json.lock.break.${dead}.0123456789ab.tmp`), String(dead));
    const store = await createFileTrustStore({ file, lockTimeoutMs: 500 });
    expect(existsSync(join(dir, `trust.json.${dead}.0123456789ab.tmp`))).toBe(false);
    await store.update(samplePeer(1).id, () => samplePeer(1));
    expect(readdirSync(dir)).toEqual(['trust.json']);
  });

  it('waits for a live holder, then fails with StoreLockedError naming the lock file', async () => {
    const file = join(tempDir(), 'trust.json');
    const store = await createFileTrustStore({ file, lockTimeoutMs: 200 });
    // Held by this (running) process under another token: not stale.
    writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: process.pid, host: hostname(), boot: bootNow, token: 'other' }),
    );
    const started = Date.now();
    await expect(store.update(samplePeer(1).id, () => samplePeer(1))).rejects.toThrow(StoreLockedError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await expect(store.update(samplePeer(1).id, () => samplePeer(1))).rejects.toThrow(`${file}.lock`);
    expect(existsSync(file)).toBe(false);
  });

  it('breaks a lock taken before the last reboot, even if its pid runs again now', async () => {
    const file = join(tempDir(), 'trust.json');
    writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: process.pid, host: hostname(), boot: bootNow - 3600, token: 'x' }),
    );
    const store = await createFileTrustStore({ file, lockTimeoutMs: 100 });
    await store.update(samplePeer(1).id, () => samplePeer(1));
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('never breaks a lock of another host', async () => {
    const file = join(tempDir(), 'trust.json');
    const store = await createFileTrustStore({ file, lockTimeoutMs: 100 });
    writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: 2 ** 22 + 1, host: 'elsewhere', boot: 0, token: 'x' }),
    );
    await expect(store.delete(samplePeer(1).id)).rejects.toThrow(StoreLockedError);
    expect(existsSync(`${file}.lock`)).toBe(true);
  });
});
