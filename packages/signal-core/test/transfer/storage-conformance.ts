/**
 * Conformance suites for `FileSource` and `FileSink` (memory here; node-agent's disk source and
 * sink in their own tests). They pin down what the engines rely on: manifest hashes that match the
 * bytes, exact chunks, a changed source refused, holdings found by re-hashing (resume), positional
 * writes, a final name only for a file whose chunk hash list matches its file hash, and an existing different file
 * never overwritten.
 */
import {
  chunkCount,
  type FileSink,
  type FileSource,
  nobleSha256,
  type TransferManifest,
} from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';

/** A source over `files` and a way to change one under it (as an editor saving it would). */
export interface SourceFixture {
  readonly source: FileSource;
  change(fileIndex: number, data: Uint8Array): Promise<void>;
  dispose(): Promise<void>;
}

/** A sink over storage that already holds `final` files and `partial` ones (an interrupted run's, keyed by final path). */
export interface SinkFixture {
  readonly sink: FileSink;
  /** The file under its final name, or `undefined`. */
  readFinal(path: string): Promise<Uint8Array | undefined>;
  dispose(): Promise<void>;
}

/** What a sink fixture starts from. */
export interface SinkState {
  readonly final?: ReadonlyMap<string, Uint8Array>;
  readonly partial?: ReadonlyMap<string, Uint8Array>;
}

const CHUNK = 64 * 1024;

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + seed * 13 + (i >> 8)) & 0xff;
  return out;
}

function sha(data: Uint8Array): Uint8Array {
  const h = nobleSha256();
  h.update(data);
  return h.digest();
}

/** A manifest file hash from its definition (docs/PROTOCOL.md, "Manifest"), not from `fileHashOf`. */
function fileRoot(size: number, chunkHashes: readonly Uint8Array[]): Uint8Array {
  const domain = new TextEncoder().encode('lanrtc/transfer/file/v1');
  const sizeBytes = new Uint8Array(8);
  new DataView(sizeBytes.buffer).setBigUint64(0, BigInt(size));
  const message = new Uint8Array(domain.length + 8 + 32 * chunkHashes.length);
  message.set(domain);
  message.set(sizeBytes, domain.length);
  for (const [i, chunk] of chunkHashes.entries()) message.set(chunk, domain.length + 8 + 32 * i);
  return sha(message);
}

const same = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.compare(a, b) === 0;

/** The manifest a source would make for `files` (hashed here independently of any source). */
export function manifestOf(
  files: readonly { path: string; data: Uint8Array }[],
  chunkSize = CHUNK,
): TransferManifest {
  return {
    chunkSize,
    files: files.map(({ path, data }) => {
      const chunkHashes = Array.from({ length: chunkCount(data.length, chunkSize) }, (_, c) =>
        sha(data.subarray(c * chunkSize, (c + 1) * chunkSize)),
      );
      return {
        path,
        size: data.length,
        mode: 0o644,
        mtimeMs: 0,
        fileHash: fileRoot(data.length, chunkHashes),
        chunkHashes,
      };
    }),
  };
}

/** Register the `FileSource` conformance tests; `make` gets files with relative paths and the chunk size. */
export function runFileSourceConformance(
  name: string,
  make: (files: readonly { path: string; data: Uint8Array }[], chunkSize: number) => Promise<SourceFixture>,
): void {
  describe(`FileSource conformance: ${name}`, () => {
    const files = [
      { path: 'a.bin', data: bytes(3 * CHUNK + 100, 1) },
      { path: 'empty', data: new Uint8Array(0) },
      { path: 'exact.bin', data: bytes(2 * CHUNK, 2) },
    ];

    it('makes a manifest whose sizes and hashes are the files’, and reads exact chunks', async () => {
      const f = await make(files, CHUNK);
      try {
        const expected = manifestOf(files);
        const got = f.source.manifest;
        expect(got.chunkSize).toBe(CHUNK);
        expect(got.files.map((file) => file.path)).toEqual(files.map((file) => file.path));
        for (const [i, file] of got.files.entries()) {
          const want = expected.files[i] as (typeof expected.files)[number];
          expect(file.size).toBe(want.size);
          expect(same(file.fileHash, want.fileHash)).toBe(true);
          expect(file.chunkHashes.length).toBe(want.chunkHashes.length);
          for (const [c, hash] of file.chunkHashes.entries()) {
            expect(same(hash, want.chunkHashes[c] as Uint8Array)).toBe(true);
            const chunk = await f.source.readChunk(i, c);
            expect(
              same(chunk, (files[i] as (typeof files)[number]).data.subarray(c * CHUNK, (c + 1) * CHUNK)),
            ).toBe(true);
          }
        }
      } finally {
        await f.dispose();
      }
    });

    it('refuses to read a file changed since its manifest was made (SourceChangedError)', async () => {
      const f = await make(files, CHUNK);
      try {
        await f.change(0, bytes(3 * CHUNK + 101, 3));
        const [result] = await Promise.allSettled([f.source.readChunk(0, 0)]);
        expect(result?.status).toBe('rejected');
        if (result?.status === 'rejected') expect((result.reason as Error).name).toBe('SourceChangedError');
      } finally {
        await f.dispose();
      }
    });
  });
}

/** Register the `FileSink` conformance tests. */
export function runFileSinkConformance(name: string, make: (state: SinkState) => Promise<SinkFixture>): void {
  describe(`FileSink conformance: ${name}`, () => {
    const data = bytes(4 * CHUNK + 5, 4);
    const manifest = manifestOf([
      { path: 'dir/f.bin', data },
      { path: 'empty', data: new Uint8Array(0) },
    ]);
    const chunk = (c: number) => data.slice(c * CHUNK, (c + 1) * CHUNK);

    it('stores chunks written in any order and gives the file its final name once it is whole', async () => {
      const f = await make({});
      try {
        const holdings = await f.sink.prepare(manifest);
        expect(holdings.map((h) => h.state)).toEqual(['none', 'none']);
        for (const c of [4, 0, 2, 1, 3]) await f.sink.writeChunk(0, c, chunk(c));
        const { finalPath } = await f.sink.finishFile(0);
        expect(finalPath.endsWith('f.bin')).toBe(true);
        expect(same(await f.readFinal('dir/f.bin'), data)).toBe(true);
        await f.sink.finishFile(1);
        expect(same(await f.readFinal('empty'), new Uint8Array(0))).toBe(true);
      } finally {
        await f.dispose();
      }
    });

    it('finds what it holds by re-hashing: a complete file, and the good chunks of a partial one', async () => {
      const partial = data.slice(0, 3 * CHUNK);
      partial[CHUNK + 3] = (partial[CHUNK + 3] as number) ^ 0xff; // chunk 1 corrupted on disk
      const f = await make({
        final: new Map([['empty', new Uint8Array(0)]]),
        partial: new Map([['dir/f.bin', partial]]),
      });
      try {
        const [file, empty] = await f.sink.prepare(manifest);
        expect(file?.state).toBe('partial');
        expect([...(file?.verifiedChunks ?? [])].sort()).toEqual([0, 2]);
        expect(empty?.state).toBe('complete');
        for (const c of [1, 3, 4]) await f.sink.writeChunk(0, c, chunk(c));
        await f.sink.finishFile(0);
        expect(same(await f.readFinal('dir/f.bin'), data)).toBe(true);
      } finally {
        await f.dispose();
      }
    });

    it('refuses a final name to a file whose chunk hashes do not match its file hash (FileVerificationError)', async () => {
      const f = await make({});
      try {
        const [entry] = manifest.files as [(typeof manifest.files)[number]];
        // Every chunk matches its listed hash; the file hash is that of a list with chunk 2 changed.
        const other = entry.chunkHashes.map((h, c) => (c === 2 ? sha(bytes(CHUNK, 9)) : h));
        const liar = { ...manifest, files: [{ ...entry, fileHash: fileRoot(entry.size, other) }] };
        await f.sink.prepare(liar);
        for (let c = 0; c < 5; c++) await f.sink.writeChunk(0, c, chunk(c));
        const [result] = await Promise.allSettled([f.sink.finishFile(0)]);
        expect(result?.status).toBe('rejected');
        if (result?.status === 'rejected')
          expect((result.reason as Error).name).toBe('FileVerificationError');
        expect(await f.readFinal('dir/f.bin')).toBeUndefined();
      } finally {
        await f.dispose();
      }
    });

    it('refuses a final name to a file with a chunk never written (FileVerificationError)', async () => {
      const f = await make({});
      try {
        await f.sink.prepare(manifest);
        for (const c of [0, 1, 3, 4]) await f.sink.writeChunk(0, c, chunk(c));
        const [result] = await Promise.allSettled([f.sink.finishFile(0)]);
        expect(result?.status).toBe('rejected');
        if (result?.status === 'rejected')
          expect((result.reason as Error).name).toBe('FileVerificationError');
        expect(await f.readFinal('dir/f.bin')).toBeUndefined();
      } finally {
        await f.dispose();
      }
    });

    it('never overwrites a different file already under the name', async () => {
      const other = bytes(100, 5);
      const f = await make({ final: new Map([['dir/f.bin', other]]) });
      try {
        const [file] = await f.sink.prepare(manifest);
        expect(file?.state).toBe('none');
        for (let c = 0; c < 5; c++) await f.sink.writeChunk(0, c, chunk(c));
        const { finalPath } = await f.sink.finishFile(0);
        expect(finalPath.endsWith('dir/f.bin')).toBe(false);
        expect(same(await f.readFinal('dir/f.bin'), other)).toBe(true);
      } finally {
        await f.dispose();
      }
    });

    it('refuses a manifest whose path escapes (UnsafePathError), whoever decoded it', async () => {
      const f = await make({});
      try {
        const hostile = {
          ...manifest,
          files: [{ ...(manifest.files[1] as (typeof manifest.files)[number]), path: '../x' }],
        };
        const [result] = await Promise.allSettled([f.sink.prepare(hostile)]);
        expect(result?.status).toBe('rejected');
        if (result?.status === 'rejected') expect((result.reason as Error).name).toBe('UnsafePathError');
      } finally {
        await f.dispose();
      }
    });
  });
}
