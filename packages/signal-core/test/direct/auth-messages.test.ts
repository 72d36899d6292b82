import { describe, expect, it } from 'vitest';
import {
  AuthType,
  DIRECT_AUTH_VERSION,
  decodeAuthMessage,
  encodeAuthAccept,
  encodeAuthHello,
  encodeAuthPairing,
  encodeAuthProof,
  encodeAuthReject,
  MAX_AUTH_MESSAGE_BYTES,
} from '../../src/direct/auth-messages.js';
import { InvalidArgumentError, MalformedInputError, UnsupportedVersionError } from '../../src/errors.js';

const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
const hello = encodeAuthHello({
  flags: 1,
  nonce: fill(32, 1),
  identityKey: fill(32, 2),
  fingerprint: fill(32, 3),
});
const proof = encodeAuthProof(fill(64, 4));
const pairing = encodeAuthPairing(fill(99, 5));
const accept = encodeAuthAccept();
const reject = encodeAuthReject('NotPairedError');

describe('auth messages', () => {
  it('have the documented layouts and round-trip', () => {
    expect(Array.from(hello.subarray(0, 3))).toEqual([1, AuthType.hello, 1]);
    expect(hello.length).toBe(99);
    expect(proof.length).toBe(66);
    expect(Array.from(accept)).toEqual([1, 4]);
    expect(Array.from(reject.subarray(0, 3))).toEqual([1, 5, 14]);
    expect(decodeAuthMessage(hello)).toEqual({
      type: 1,
      hello: { flags: 1, nonce: fill(32, 1), identityKey: fill(32, 2), fingerprint: fill(32, 3) },
    });
    expect(decodeAuthMessage(proof)).toEqual({ type: 2, signature: fill(64, 4) });
    expect(decodeAuthMessage(pairing)).toEqual({ type: 3, pairing: fill(99, 5) });
    expect(decodeAuthMessage(accept)).toEqual({ type: 4 });
    expect(decodeAuthMessage(reject)).toEqual({ type: 5, reason: 'NotPairedError' });
  });

  it('never puts an arbitrary string on the wire as a reason', () => {
    expect(decodeAuthMessage(encodeAuthReject('<b>x</b>'))).toEqual({ type: 5, reason: 'LanrtcError' });
    expect(() => encodeAuthProof(fill(63, 0))).toThrow(InvalidArgumentError);
    expect(() => encodeAuthPairing(new Uint8Array(0))).toThrow(InvalidArgumentError);
  });

  const cat = (...parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
  const hostile: [string, Uint8Array, typeof MalformedInputError | typeof UnsupportedVersionError][] = [
    ['empty', new Uint8Array(0), MalformedInputError],
    ['version only', Uint8Array.of(DIRECT_AUTH_VERSION), MalformedInputError],
    ['unknown version 0', cat([0], accept.subarray(1)), UnsupportedVersionError],
    ['unknown version 2', cat([2], hello.subarray(1)), UnsupportedVersionError],
    ['unknown type 0', Uint8Array.of(1, 0), MalformedInputError],
    ['unknown type 6', Uint8Array.of(1, 6), MalformedInputError],
    ['hello truncated by one', hello.subarray(0, 98), MalformedInputError],
    ['hello without body', Uint8Array.of(1, 1), MalformedInputError],
    ['hello with trailing byte', cat(hello, [0]), MalformedInputError],
    ['hello with unknown flag bit', cat([1, 1, 0x02], hello.subarray(3)), MalformedInputError],
    ['proof truncated', proof.subarray(0, 65), MalformedInputError],
    ['proof with trailing byte', cat(proof, [0]), MalformedInputError],
    ['pairing with no message', Uint8Array.of(1, 3), MalformedInputError],
    ['pairing message over 256 bytes', cat([1, 3], fill(257, 0)), MalformedInputError],
    ['accept with trailing byte', Uint8Array.of(1, 4, 0), MalformedInputError],
    ['reject without reason', Uint8Array.of(1, 5), MalformedInputError],
    ['reject reason truncated', Uint8Array.of(1, 5, 5, 0x41), MalformedInputError],
    ['reject reason not a token', Uint8Array.of(1, 5, 2, 0x3c, 0x3e), MalformedInputError],
    ['reject reason over 64 bytes', cat([1, 5, 65], fill(65, 0x41)), MalformedInputError],
    ['reject reason invalid UTF-8', Uint8Array.of(1, 5, 1, 0xff), MalformedInputError],
    ['reject with trailing byte', cat(reject, [0]), MalformedInputError],
    ['oversized', cat([1, 3], fill(MAX_AUTH_MESSAGE_BYTES, 0)), MalformedInputError],
  ];
  it.each(hostile)('rejects %s', (_name, bytes, error) => {
    expect(() => decodeAuthMessage(bytes)).toThrow(error);
  });
});
