import { describe, expect, it } from 'vitest';
import { fromBase32, toBase32 } from '../../src/identity/base32.js';
import {
  createIdentity,
  decodeRoomInvite,
  encodeRoomInvite,
  InvalidArgumentError,
  MalformedInputError,
  UnsupportedVersionError,
} from '../../src/index.js';

const host = 'abcdefghijklmnopqrstuvwxya'; // 26 base32 characters whose last 2 padding bits are 0
const secret = Uint8Array.from({ length: 16 }, (_, i) => i);
/** Text form of the body bytes, independent of the encoder: uppercase RFC 4648 base32. */
const text = (bytes: number[]) => `LRR1:${toBase32(Uint8Array.from(bytes)).toUpperCase()}`;

describe('room invite', () => {
  it('lays out room ‖ host id ‖ flags ‖ secret as docs/PROTOCOL.md says (golden)', () => {
    const hostBytes = [...(fromBase32(host) as Uint8Array)];
    const body = [4, ...'game'.split('').map((c) => c.charCodeAt(0)), ...hostBytes, 1, ...secret];
    const encoded = encodeRoomInvite({ room: 'game', host, secret });
    expect(encoded).toBe(text(body));
    expect(encoded).toBe('LRR1:ARTWC3LFABCDEFGHIJKLMNOPQRSTUVWXYAAQAAICAMCAKBQHBAEQUCYMBUHA6');
    // Only QR alphanumeric characters, nothing a URL fragment must escape.
    expect(encoded).toMatch(/^[0-9A-Z:]+$/);
    expect(decodeRoomInvite(encoded)).toEqual({ room: 'game', host, secret });
  });

  it('round-trips without a secret (rejoin-only), case-insensitively, with a trailing line break', () => {
    const id = createIdentity().id;
    const encoded = encodeRoomInvite({ room: 'a-1', host: id });
    expect(decodeRoomInvite(encoded)).toEqual({ room: 'a-1', host: id });
    expect(decodeRoomInvite(`${encoded.toLowerCase()}\n`)).toEqual({ room: 'a-1', host: id });
  });

  it.each([
    ['not an invite', 'hello'],
    ['the card prefix', 'LR1:ABC'],
    ['bad base32', 'LRR1:AB$C'],
    ['empty body', 'LRR1:'],
    ['too long', `LRR1:${'A'.repeat(300)}`],
    ['room name with capitals', text([4, 71, 65, 77, 69, ...new Array(16).fill(0), 0])],
    ['empty room name', text([0, ...new Array(16).fill(0), 0])],
    ['truncated host', text([1, 97, 1, 2, 3])],
    ['unknown flag', text([1, 97, ...new Array(16).fill(0), 2])],
    ['secret flag without the secret', text([1, 97, ...new Array(16).fill(0), 1, 1, 2])],
    ['trailing bytes', text([1, 97, ...new Array(16).fill(0), 0, 9])],
  ])('refuses %s with MalformedInputError', (_, input) => {
    expect(() => decodeRoomInvite(input)).toThrow(MalformedInputError);
  });

  it('refuses another invite version with UnsupportedVersionError', () => {
    expect(() => decodeRoomInvite('LRR2:AAAA')).toThrow(UnsupportedVersionError);
  });

  it.each([
    ['a bad room name', { room: 'Game!', host }],
    ['a room name over 32 characters', { room: 'a'.repeat(33), host }],
    ['a host that is not an id', { room: 'game', host: 'someone' }],
    ['a short secret', { room: 'game', host, secret: new Uint8Array(8) }],
  ])('will not encode %s', (_, invite) => {
    expect(() => encodeRoomInvite(invite)).toThrow(InvalidArgumentError);
  });
});

describe('base32 decoding', () => {
  it('inverts toBase32 and refuses non-zero padding bits and foreign characters', () => {
    for (const n of [0, 1, 5, 16, 33]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 0xff);
      expect(fromBase32(toBase32(bytes))).toEqual(bytes);
    }
    expect(fromBase32('ab')).toBeUndefined(); // 10 bits: 2 leftover bits must be zero, 'b' sets one
    expect(fromBase32('a')).toBeUndefined(); // a dangling character
    expect(fromBase32('a1')).toBeUndefined();
  });
});
