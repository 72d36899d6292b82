/**
 * Memory-backed `FileSource` and `FileSink` for tests and demos. The sink behaves like the disk
 * sinks it stands in for: it re-hashes what it holds to decide what is held (resume), writes chunks
 * to a partial copy, and gives a file its final name only when its file hash (the root over its
 * chunks' hashes) matches.
 */
import { equalBytes } from '../encoding/bytes.js';
import { timers } from '../encoding/timers.js';
import {
  FileVerificationError,
  InsufficientSpaceError,
  InvalidArgumentError,
  SourceChangedError,
} from '../errors.js';
import { fileHashOf } from './file-hash.js';
import { DEFAULT_CHUNK_SIZE } from './limits.js';
import { chunkCount, chunkLength, validateManifest } from './manifest.js';
import type { TransferManifest } from './manifest-types.js';
import { nobleSha256 } from './noble-sha256.js';
import type { FileHolding, FileSink, FileSource, Sha256Factory } from './source.js';

/** One file of a memory source. */
export interface MemoryFile {
  readonly path: string;
  readonly data: Uint8Array;
  readonly mode?: number;
  readonly mtimeMs?: number;
}

/** A memory source, with a log of what was read and a way to change a file under it. */
export interface MemorySource extends FileSource {
  /** `[fileIndex, chunkIndex]` of every chunk read, in order. */
  readonly reads: readonly (readonly [number, number])[];
  /** Replace a file's content, as an editor saving it mid-transfer would: later reads fail with `SourceChangedError`. */
  change(fileIndex: number, data: Uint8Array): void;
}

function hashOf(sha256: Sha256Factory, data: Uint8Array): Uint8Array {
  const h = sha256();
  h.update(data);
  return h.digest();
}

/** The manifest file hash of `data`: the hash-list root over its chunks' SHA-256 (file-hash.ts). */
function contentHash(sha256: Sha256Factory, data: Uint8Array, chunkSize: number): Uint8Array {
  const chunks = Array.from({ length: chunkCount(data.length, chunkSize) }, (_, c) =>
    hashOf(sha256, data.subarray(c * chunkSize, (c + 1) * chunkSize)),
  );
  return fileHashOf(sha256, data.length, chunks);
}

/** A source over in-memory files, hashed now. */
export function createMemorySource(
  files: readonly MemoryFile[],
  init: { readonly chunkSize?: number; readonly sha256?: Sha256Factory } = {},
): MemorySource {
  const chunkSize = init.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const sha256 = init.sha256 ?? nobleSha256;
  const manifest: TransferManifest = {
    chunkSize,
    files: files.map((file) => {
      const chunkHashes = Array.from({ length: chunkCount(file.data.length, chunkSize) }, (_, c) =>
        hashOf(sha256, file.data.subarray(c * chunkSize, (c + 1) * chunkSize)),
      );
      return {
        path: file.path,
        size: file.data.length,
        mode: file.mode ?? 0o644,
        mtimeMs: file.mtimeMs ?? 0,
        chunkHashes,
        fileHash: fileHashOf(sha256, file.data.length, chunkHashes),
      };
    }),
  };
  validateManifest(manifest);
  const contents = files.map((file) => file.data);
  const changed = new Set<number>();
  const reads: [number, number][] = [];
  return {
    manifest,
    reads,
    change(fileIndex, data) {
      contents[fileIndex] = data;
      changed.add(fileIndex);
    },
    async readChunk(fileIndex, chunkIndex) {
      const data = contents[fileIndex];
      if (data === undefined) throw new InvalidArgumentError('no such file');
      if (changed.has(fileIndex)) throw new SourceChangedError('a source file changed since it was hashed');
      reads.push([fileIndex, chunkIndex]);
      return data.slice(chunkIndex * chunkSize, (chunkIndex + 1) * chunkSize);
    },
    async close() {},
  };
}

/** What a memory sink holds before a transfer: final files and partial ones (a killed earlier run). */
export interface MemorySinkInit {
  /** Files under their final names. */
  readonly final?: ReadonlyMap<string, Uint8Array>;
  /** Partial files (temporary names), keyed by the final path; chunks that re-hash right are held. */
  readonly partial?: ReadonlyMap<string, Uint8Array>;
  /** Free bytes (default unlimited). */
  readonly freeBytes?: number;
  readonly sha256?: Sha256Factory;
  /** Delay each chunk write by this long (a slow disk). */
  readonly writeDelayMs?: number;
}

/** A memory sink, with its contents and a log of the chunks written. */
export interface MemorySink extends FileSink {
  /** Files under their final names. */
  readonly final: Map<string, Uint8Array>;
  /** Partial files, keyed by final path. */
  readonly partial: Map<string, Uint8Array>;
  /** `[fileIndex, chunkIndex]` of every chunk written, in order. */
  readonly writes: readonly (readonly [number, number])[];
}

/** A sink that keeps everything in memory. */
export function createMemorySink(init: MemorySinkInit = {}): MemorySink {
  const sha256 = init.sha256 ?? nobleSha256;
  const final = new Map(init.final ?? []);
  const partial = new Map(init.partial ?? []);
  const writes: [number, number][] = [];
  let manifest: TransferManifest | undefined;
  const names: string[] = [];
  const fileOf = (i: number) => {
    const file = manifest?.files[i];
    if (!file) throw new InvalidArgumentError('no such file in the prepared manifest');
    return file;
  };
  return {
    final,
    partial,
    writes,
    async prepare(offered) {
      validateManifest(offered);
      manifest = offered;
      const holdings: FileHolding[] = [];
      let toCome = 0;
      for (const file of offered.files) {
        const existing = final.get(file.path);
        if (existing && equalBytes(contentHash(sha256, existing, offered.chunkSize), file.fileHash)) {
          holdings.push({ state: 'complete', verifiedChunks: new Set() });
          names.push(file.path);
          continue;
        }
        let name = file.path;
        for (let n = 1; final.has(name); n++) name = `${file.path} (${n})`;
        names.push(name);
        const old = partial.get(file.path);
        const verified = new Set<number>();
        const count = chunkCount(file.size, offered.chunkSize);
        for (let c = 0; old && c < count; c++) {
          const start = c * offered.chunkSize;
          const end = start + chunkLength(file.size, offered.chunkSize, c);
          const hash = file.chunkHashes[c] as Uint8Array;
          if (end <= old.length && equalBytes(hashOf(sha256, old.subarray(start, end)), hash))
            verified.add(c);
          else toCome += end - start;
        }
        if (!old) toCome += file.size;
        const buffer = new Uint8Array(file.size);
        if (old) buffer.set(old.subarray(0, file.size));
        partial.set(file.path, buffer);
        holdings.push(
          verified.size > 0
            ? { state: 'partial', verifiedChunks: verified }
            : { state: 'none', verifiedChunks: verified },
        );
      }
      if (init.freeBytes !== undefined && toCome > init.freeBytes)
        throw new InsufficientSpaceError(`${toCome} bytes to come, ${init.freeBytes} free`);
      return holdings;
    },
    async writeChunk(fileIndex, chunkIndex, data) {
      const file = fileOf(fileIndex);
      if (init.writeDelayMs)
        await new Promise<void>((resolve) => timers.setTimeout(resolve, init.writeDelayMs as number));
      const buffer = partial.get(file.path);
      if (!buffer) throw new InvalidArgumentError('file already finished');
      buffer.set(data, chunkIndex * (manifest as TransferManifest).chunkSize);
      writes.push([fileIndex, chunkIndex]);
    },
    async finishFile(fileIndex) {
      const file = fileOf(fileIndex);
      const buffer = partial.get(file.path);
      if (!buffer) throw new InvalidArgumentError('file already finished');
      // The bytes held, chunk by chunk, against the file hash (a test double: cost is no concern here).
      if (!equalBytes(contentHash(sha256, buffer, (manifest as TransferManifest).chunkSize), file.fileHash))
        throw new FileVerificationError(`file ${fileIndex} does not match its SHA-256`);
      const finalPath = names[fileIndex] ?? file.path;
      partial.delete(file.path);
      final.set(finalPath, buffer);
      return { finalPath };
    },
    async close() {},
  };
}
