/** SHA-256 for the transfer engines from Node's OpenSSL (FIPS 180-4), several times faster than pure JS. */
import { createHash } from 'node:crypto';
import type { Sha256, Sha256Factory } from '@lanrtc/signal-core/transfer';

/** A fresh incremental SHA-256 backed by `node:crypto`. */
export const nodeSha256: Sha256Factory = (): Sha256 => {
  const hash = createHash('sha256');
  return {
    update: (data) => {
      hash.update(data);
    },
    digest: () => {
      const d = hash.digest();
      // A plain Uint8Array view, so callers comparing digests never meet Buffer's own equality.
      return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    },
  };
};
