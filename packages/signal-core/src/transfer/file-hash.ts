/**
 * The per-file hash of the manifest: SHA-256 over a domain string, the file's size and its list of
 * chunk hashes (a hash-list root), not over the file's bytes. Each side then hashes every byte once —
 * for its chunk — and the whole-file check verifies the very list the chunks were checked against
 * (docs/PROTOCOL.md, "Manifest").
 */
import { utf8 } from '../encoding/bytes.js';
import type { Sha256Factory } from './source.js';

/** Domain string that starts the hashed message, so a file hash is never another hash of lanrtc's. */
export const FILE_HASH_DOMAIN = 'lanrtc/transfer/file/v1';

const DOMAIN_BYTES = utf8(FILE_HASH_DOMAIN);

/** SHA-256(domain ‖ u64 BE size ‖ chunkHash[0] ‖ … ‖ chunkHash[n−1]) of one manifest file. */
export function fileHashOf(
  sha256: Sha256Factory,
  size: number,
  chunkHashes: readonly Uint8Array[],
): Uint8Array {
  const hash = sha256();
  hash.update(DOMAIN_BYTES);
  const sizeBytes = new Uint8Array(8);
  // size ≤ 2^53 − 1: the high 32 bits, then the low 32 bits, big-endian.
  const view = new DataView(sizeBytes.buffer);
  view.setUint32(0, Math.floor(size / 2 ** 32));
  view.setUint32(4, size >>> 0);
  hash.update(sizeBytes);
  for (const chunk of chunkHashes) hash.update(chunk);
  return hash.digest();
}
