/**
 * A fast incremental SHA-256 for pages: hash-wasm's WebAssembly SHA-256, which works in an insecure
 * (`http://<lan-ip>`) page where `crypto.subtle` is missing, and which Web Crypto could not replace
 * anyway since `crypto.subtle.digest` is one-shot. Pure-JS @noble measured ~36 MB/s on a loaded
 * core, slower than the DataChannel it feeds; WebAssembly hashes several times faster.
 *
 * `Sha256Factory` is synchronous while a WebAssembly instance is made asynchronously, so a small
 * pool of instances is made up front (`loadWasmSha256`); a hash takes one from the pool and gives it
 * back at `digest()`. When the pool is empty (more hashes at once than instances, or hashes that
 * were never finished), that hash falls back to @noble and the pool is refilled in the background.
 */
import { nobleSha256, type Sha256, type Sha256Factory } from '@lanrtc/signal-core/transfer';
import { createSHA256, type IHasher } from 'hash-wasm';

/** Instances made up front: the sender hashes a chunk and its file at once; the receiver a chunk and its file. */
const POOL_SIZE = 4;

let loaded: Promise<Sha256Factory> | undefined;

/**
 * The page's SHA-256: WebAssembly when the page can instantiate it, else @noble (a Content Security
 * Policy without `wasm-unsafe-eval` forbids WebAssembly). Made once per page.
 */
export function loadWasmSha256(): Promise<Sha256Factory> {
  loaded ??= makePool().catch(() => nobleSha256);
  return loaded;
}

async function makePool(): Promise<Sha256Factory> {
  const pool: IHasher[] = await Promise.all(Array.from({ length: POOL_SIZE }, () => createSHA256()));
  let refilling = false;
  const refill = () => {
    if (refilling) return;
    refilling = true;
    void createSHA256()
      .then((h) => {
        pool.push(h);
      })
      .catch(() => undefined)
      .finally(() => {
        refilling = false;
      });
  };
  return (): Sha256 => {
    const hasher = pool.pop();
    if (!hasher) {
      refill();
      return nobleSha256();
    }
    hasher.init();
    let spent = false;
    return {
      update(data) {
        if (spent) throw new Error('this SHA-256 is spent: its digest was taken');
        hasher.update(data);
      },
      digest() {
        if (spent) throw new Error('this SHA-256 is spent: its digest was taken');
        spent = true;
        const out = hasher.digest('binary');
        pool.push(hasher);
        return out;
      },
    };
  };
}
