/**
 * The manifest codec (the OFFER payload, docs/PROTOCOL.md "File transfer"): `varuint chunkSize ‖
 * varuint n ‖ n × file`, file = `string path ‖ varuint size ‖ varuint mode ‖ varuint mtimeMs ‖
 * raw[32] fileHash ‖ varuint chunkCount ‖ chunkCount × raw[32]`. Decoding is validating: a manifest
 * that decodes has safe paths and hashes that fit its sizes, or the decoder threw `UnsafePathError`
 * / `InvalidManifestError`.
 */
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { InvalidArgumentError, InvalidManifestError, LanrtcError } from '../errors.js';
import {
  HASH_BYTES,
  MAX_CHUNK_SIZE,
  MAX_FILES,
  MAX_PATH_BYTES,
  MAX_TOTAL_CHUNKS,
  MIN_CHUNK_SIZE,
} from './limits.js';
import type { ManifestFile, TransferManifest } from './manifest-types.js';
import { checkPathSet, checkTransferPath } from './path-check.js';

/** Number of chunks of a file of `size` bytes (0 for an empty file). */
export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** Length of chunk `index` of a file of `size` bytes (the last one may be shorter). */
export function chunkLength(size: number, chunkSize: number, index: number): number {
  return Math.min(chunkSize, size - index * chunkSize);
}

function checkChunkSize(chunkSize: number): void {
  const powerOfTwo = Number.isSafeInteger(chunkSize) && chunkSize > 0 && (chunkSize & (chunkSize - 1)) === 0;
  if (!powerOfTwo || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE)
    throw new InvalidManifestError('chunk size must be a power of two from 64 KiB to 16 MiB');
}

/**
 * Check everything but the byte layout: chunk size, file count, paths, sizes, modes, mtimes and
 * that each file has one 32-byte hash per chunk. Throws `UnsafePathError` or `InvalidManifestError`.
 */
export function validateManifest(manifest: TransferManifest): void {
  checkChunkSize(manifest.chunkSize);
  if (manifest.files.length > MAX_FILES) throw new InvalidManifestError(`more than ${MAX_FILES} files`);
  let totalChunks = 0;
  for (const file of manifest.files) {
    checkTransferPath(file.path);
    if (!Number.isSafeInteger(file.size) || file.size < 0)
      throw new InvalidManifestError('file size out of range');
    if (!Number.isInteger(file.mode) || file.mode < 0 || file.mode > 0o777)
      throw new InvalidManifestError('file mode out of range (permission bits only)');
    if (!Number.isSafeInteger(file.mtimeMs) || file.mtimeMs < 0)
      throw new InvalidManifestError('mtime out of range');
    const count = chunkCount(file.size, manifest.chunkSize);
    totalChunks += count;
    if (totalChunks > MAX_TOTAL_CHUNKS)
      throw new InvalidManifestError(`more than ${MAX_TOTAL_CHUNKS} chunks`);
    if (file.chunkHashes.length !== count)
      throw new InvalidManifestError('chunk hash count does not match the file size');
    if (file.fileHash.length !== HASH_BYTES || file.chunkHashes.some((h) => h.length !== HASH_BYTES))
      throw new InvalidManifestError('hash is not 32 bytes');
  }
  checkPathSet(manifest.files.map((file) => file.path));
}

/** Encode a manifest (validated first: an encoder never emits what the decoder refuses). */
export function encodeManifest(manifest: TransferManifest): Uint8Array {
  try {
    validateManifest(manifest);
  } catch (cause) {
    throw new InvalidArgumentError(`manifest not encodable: ${(cause as Error).message}`, { cause });
  }
  const w = new ByteWriter().varuint(manifest.chunkSize).varuint(manifest.files.length);
  for (const file of manifest.files) {
    w.string(file.path).varuint(file.size).varuint(file.mode).varuint(file.mtimeMs).raw(file.fileHash);
    w.varuint(file.chunkHashes.length);
    for (const hash of file.chunkHashes) w.raw(hash);
  }
  return w.finish();
}

/** Decode and validate a manifest; `UnsafePathError` for a bad path, `InvalidManifestError` for anything else. */
export function decodeManifest(bytes: Uint8Array): TransferManifest {
  try {
    const r = new ByteReader(bytes);
    const chunkSize = r.varuint('chunk size');
    checkChunkSize(chunkSize);
    const n = r.varuint('file count');
    if (n > MAX_FILES) throw new InvalidManifestError(`more than ${MAX_FILES} files`);
    const files: ManifestFile[] = [];
    let totalChunks = 0;
    for (let i = 0; i < n; i++) {
      const path = r.string('path', MAX_PATH_BYTES);
      checkTransferPath(path);
      const size = r.varuint('size');
      const mode = r.varuint('mode', 0o777);
      const mtimeMs = r.varuint('mtime');
      const fileHash = r.raw('file hash', HASH_BYTES);
      const count = r.varuint('chunk count');
      // Compared before any hash is read, so a hostile count never drives an allocation.
      if (count !== chunkCount(size, chunkSize))
        throw new InvalidManifestError('chunk hash count does not match the file size');
      totalChunks += count;
      if (totalChunks > MAX_TOTAL_CHUNKS)
        throw new InvalidManifestError(`more than ${MAX_TOTAL_CHUNKS} chunks`);
      // One copy of the whole list, then views into it: a buffer per hash is ~10x slower at 2^21 hashes.
      const block = r.raw('chunk hashes', count * HASH_BYTES);
      const chunkHashes: Uint8Array[] = new Array(count);
      for (let c = 0; c < count; c++) chunkHashes[c] = block.subarray(c * HASH_BYTES, (c + 1) * HASH_BYTES);
      files.push({ path, size, mode, mtimeMs, chunkHashes, fileHash });
    }
    r.end('manifest');
    checkPathSet(files.map((file) => file.path));
    return { chunkSize, files };
  } catch (error) {
    if (error instanceof LanrtcError && error.name !== 'MalformedInputError') throw error;
    throw new InvalidManifestError(`manifest does not decode: ${(error as Error).message}`, { cause: error });
  }
}

/** Sum of the file sizes. */
export function manifestBytes(manifest: TransferManifest): number {
  return manifest.files.reduce((sum, file) => sum + file.size, 0);
}
