/** TEST-ONLY: node:crypto's SHA-256 as the transfer's `Sha256Factory` (an independent reference for the tests). */
import { createHash } from 'node:crypto';
import type { Sha256Factory } from '@lanrtc/signal-core/transfer';

/** A fresh node:crypto SHA-256 per call. */
export const nodeSha256: Sha256Factory = () => {
  const h = createHash('sha256');
  return {
    update: (data) => void h.update(data),
    digest: () => new Uint8Array(h.digest()),
  };
};

/** SHA-256 of `bytes`, for expectations. */
export const sha256Of = (bytes: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(bytes).digest());

/** A manifest file hash computed independently with node:crypto: SHA-256(domain ‖ u64 BE size ‖ chunk hashes). */
export function fileHashFor(size: number, chunkHashes: readonly Uint8Array[]): Uint8Array {
  const sizeBytes = Buffer.alloc(8);
  sizeBytes.writeBigUInt64BE(BigInt(size));
  const h = createHash('sha256').update('lanrtc/transfer/file/v1').update(sizeBytes);
  for (const chunk of chunkHashes) h.update(chunk);
  return new Uint8Array(h.digest());
}
