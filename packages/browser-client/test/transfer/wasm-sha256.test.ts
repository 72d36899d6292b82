/**
 * `loadWasmSha256` (hash-wasm's WebAssembly SHA-256 behind a pool) against node:crypto: one-shot and
 * incremental digests, more hashes open at once than the pool holds (the extra ones fall back to
 * @noble and must agree), a spent hash refused, and the pool reused after digests.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadWasmSha256 } from '../../src/transfer/wasm-sha256.js';
import { sha256Of } from './node-sha256.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('loadWasmSha256', () => {
  it('agrees with node:crypto, whole and in uneven pieces', async () => {
    const factory = await loadWasmSha256();
    for (const n of [0, 1, 55, 56, 64, 65, 1000, 1024 * 1024 + 3]) {
      const bytes = new Uint8Array(randomBytes(n));
      const whole = factory();
      whole.update(bytes);
      expect(hex(whole.digest())).toBe(hex(sha256Of(bytes)));
      const pieces = factory();
      for (let at = 0; at < n; at += 777) pieces.update(bytes.subarray(at, at + 777));
      expect(hex(pieces.digest())).toBe(hex(sha256Of(bytes)));
    }
  });

  it('keeps hashes that are open at once apart, beyond the pool size', async () => {
    const factory = await loadWasmSha256();
    const inputs = Array.from({ length: 10 }, (_, i) => new Uint8Array(randomBytes(5000 + i)));
    const open = inputs.map(() => factory());
    // Interleaved updates: a shared instance would mix the inputs.
    for (let at = 0; at < 5000; at += 1000)
      for (const [i, h] of open.entries()) h.update(inputs[i]?.subarray(at, at + 1000) ?? new Uint8Array());
    for (const [i, h] of open.entries()) h.update(inputs[i]?.subarray(5000) ?? new Uint8Array());
    expect(open.map((h) => hex(h.digest()))).toEqual(inputs.map((b) => hex(sha256Of(b))));
    // After the digests the pooled instances serve fresh hashes from their initial state.
    const again = factory();
    again.update(new Uint8Array([1, 2, 3]));
    expect(hex(again.digest())).toBe(hex(sha256Of(new Uint8Array([1, 2, 3]))));
  });

  it('refuses a hash whose digest was taken', async () => {
    const factory = await loadWasmSha256();
    const h = factory();
    h.update(new Uint8Array([1]));
    h.digest();
    expect(() => h.update(new Uint8Array([2]))).toThrow(/spent/);
    expect(() => h.digest()).toThrow(/spent/);
  });
});
