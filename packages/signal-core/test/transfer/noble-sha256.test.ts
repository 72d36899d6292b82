import { toHex } from '@lanrtc/signal-core/codec';
import { nobleSha256 } from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';

describe('nobleSha256', () => {
  it('hashes incrementally to the FIPS 180-4 test vectors', () => {
    const h = nobleSha256();
    h.update(new TextEncoder().encode('ab'));
    h.update(new TextEncoder().encode('c'));
    // FIPS 180-4 example "abc" (NIST CSRC, SHA256.pdf).
    expect(toHex(h.digest())).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(nobleSha256().digest())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});
