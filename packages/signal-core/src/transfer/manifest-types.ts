/**
 * The manifest a sender offers: every file's safe relative path, size, mode, mtime and hashes.
 * Its byte layout and checks are in `manifest.ts` (docs/PROTOCOL.md, "File transfer").
 */

/** One file of a transfer. */
export interface ManifestFile {
  /** Relative path with `/` separators; never absolute, never `.`/`..`, no control characters. */
  readonly path: string;
  readonly size: number;
  /** Permission bits only (`mode & 0o777`). */
  readonly mode: number;
  /** Last modification, ms since the epoch (integer). */
  readonly mtimeMs: number;
  /** SHA-256 of chunk i (`chunkSize` bytes, the last one shorter) for i in 0…ceil(size/chunkSize)-1. */
  readonly chunkHashes: readonly Uint8Array[];
  /**
   * The file's hash: SHA-256 over a domain string, the size and `chunkHashes` (`fileHashOf`), so
   * checking every chunk against `chunkHashes` and this against them checks the whole file.
   */
  readonly fileHash: Uint8Array;
}

/** A transfer's manifest. */
export interface TransferManifest {
  /** Bytes per chunk (the unit of hashing and resume), a power of two from 64 KiB to 16 MiB. */
  readonly chunkSize: number;
  readonly files: readonly ManifestFile[];
}
