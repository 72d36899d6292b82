/**
 * A pure-JS incremental SHA-256 (FIPS 180-4) on @noble/hashes, for platforms without a native one
 * (a page served over plain http has no `crypto.subtle`, and Web Crypto has no incremental hash).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { Sha256Factory } from './source.js';

/** Makes a fresh incremental SHA-256 backed by @noble/hashes. */
export const nobleSha256: Sha256Factory = () => {
  const hash = sha256.create();
  return {
    update(data) {
      hash.update(data);
    },
    digest: () => hash.digest(),
  };
};
