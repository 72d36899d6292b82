import { fromHex, toHex } from '@lanrtc/signal-core/codec';
import {
  createMemorySource,
  createPayloadAssembler,
  decodeAccept,
  encodeAccept,
  splitPayload,
} from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import vectors from '../vectors/transfer.json' with { type: 'json' };
import { bytesOf } from './support.js';

const CHUNK = 65536;
const manifest = createMemorySource(
  [
    { path: 'ten', data: new Uint8Array(10 * CHUNK) },
    { path: 'empty', data: new Uint8Array(0) },
  ],
  { chunkSize: CHUNK },
).manifest;

describe('ACCEPT payload', () => {
  it('encodes the golden ranges and decodes them back', () => {
    const v = vectors.accept;
    expect(toHex(encodeAccept(v.payload))).toBe(v.hex);
    expect(decodeAccept(fromHex(v.hex) as Uint8Array, manifest)).toEqual(v.payload);
  });

  const bad: [string, string][] = [
    ['a window below one chunk', '808002 02 00 00'],
    ['fewer files than offered', '80808008 01 00'],
    ['a range past the last chunk', '80808008 02 01 09 02 00'],
    ['an empty range', '80808008 02 01 00 00 00'],
    ['unmerged adjacent ranges', '80808008 02 02 00 01 00 01 00'],
    ['a range for the empty file', '80808008 02 00 01 00 01'],
    ['trailing bytes', '80808008 02 00 00 00'],
  ];
  it.each(bad)('refuses %s (MalformedInputError)', (_, hex) => {
    expect(() => decodeAccept(fromHex(hex.replaceAll(' ', '')) as Uint8Array, manifest)).toThrow(
      expect.objectContaining({ name: 'MalformedInputError' }),
    );
  });
});

describe('payload pieces', () => {
  it('splits to fit a frame and reassembles', () => {
    const payload = bytesOf(100_000, 3);
    const pieces = splitPayload(payload, 30_000);
    expect(pieces.length).toBe(4);
    const assembler = createPayloadAssembler();
    const results = pieces.map((p) => assembler.add(p));
    expect(results.slice(0, -1)).toEqual([undefined, undefined, undefined]);
    expect(Buffer.compare(results[3] as Uint8Array, payload)).toBe(0);
  });

  it.each([
    ['a total over the limit', [{ total: 1000, offset: 0, piece: new Uint8Array(1) }], 999],
    ['a first piece not at offset 0', [{ total: 10, offset: 1, piece: new Uint8Array(1) }], 100],
    [
      'a changed total',
      [
        { total: 10, offset: 0, piece: new Uint8Array(5) },
        { total: 11, offset: 5, piece: new Uint8Array(5) },
      ],
      100,
    ],
    [
      'a gap',
      [
        { total: 10, offset: 0, piece: new Uint8Array(5) },
        { total: 10, offset: 6, piece: new Uint8Array(4) },
      ],
      100,
    ],
    [
      'an overlap',
      [
        { total: 10, offset: 0, piece: new Uint8Array(5) },
        { total: 10, offset: 4, piece: new Uint8Array(6) },
      ],
      100,
    ],
    ['a piece past the total', [{ total: 4, offset: 0, piece: new Uint8Array(5) }], 100],
  ])('refuses %s (MalformedInputError)', (_, pieces, max) => {
    const assembler = createPayloadAssembler(max);
    expect(() => {
      for (const piece of pieces) assembler.add(piece);
    }).toThrow(expect.objectContaining({ name: 'MalformedInputError' }));
  });
});
