/**
 * The doorbell's wire messages: every well-formed message survives encode → decode, and hostile
 * frames (wrong version, oversize, wrong types, snapshot bytes out of place) are refused with
 * `DoorbellMessageError` — never a crash, never a half-checked value.
 */
import { describe, expect, it } from 'vitest';
import { parseDoorbellInfo } from '../src/shared/info.js';
import {
  createSnapshotAssembler,
  type DoorbellMessage,
  DoorbellMessageError,
  decodeDoorbellMessage,
  encodeDoorbellMessage,
  MAX_SNAPSHOT_BYTES,
  MAX_TEXT_FRAME_BYTES,
  RING_HISTORY,
  SNAPSHOT_CHUNK_BYTES,
  snapshotChunks,
} from '../src/shared/messages.js';

const ring = { id: 'mk2x9-1', at: 1_765_000_000_000, size: 3, past: false };

describe('decodeDoorbellMessage', () => {
  const good: DoorbellMessage[] = [
    { v: 1, t: 'hello', name: 'Front door', card: 'LR1:ABC', history: RING_HISTORY },
    { v: 1, t: 'ring', ...ring },
    { v: 1, t: 'ring', id: 'x', at: 0, size: MAX_SNAPSHOT_BYTES, past: true },
    { v: 1, t: 'viewers', count: 0 },
    { v: 1, t: 'talk', on: true },
  ];
  it.each(good)('round-trips %j', (message) => {
    expect(decodeDoorbellMessage(encodeDoorbellMessage(message))).toEqual(message);
  });

  it('drops unknown extra fields', () => {
    expect(decodeDoorbellMessage('{"v":1,"t":"talk","on":false,"evil":"x"}')).toEqual({
      v: 1,
      t: 'talk',
      on: false,
    });
  });

  const hostile: [string, string][] = [
    ['not JSON', '{"v":1,'],
    ['a JSON array', '[1,"talk"]'],
    ['a JSON string', '"hello"'],
    ['null', 'null'],
    ['no version', '{"t":"talk","on":true}'],
    ['version 2', '{"v":2,"t":"talk","on":true}'],
    ['version as a string', '{"v":"1","t":"talk","on":true}'],
    ['unknown type', '{"v":1,"t":"open-door"}'],
    ['type missing', '{"v":1}'],
    ['talk.on as a string', '{"v":1,"t":"talk","on":"true"}'],
    ['hello without card', '{"v":1,"t":"hello","name":"a","history":0}'],
    [
      'hello with history above RING_HISTORY',
      `{"v":1,"t":"hello","name":"a","card":"c","history":${RING_HISTORY + 1}}`,
    ],
    [
      'hello with a 257-character name',
      `{"v":1,"t":"hello","name":"${'n'.repeat(257)}","card":"c","history":0}`,
    ],
    [
      'hello with a 4097-character card',
      `{"v":1,"t":"hello","name":"a","card":"${'c'.repeat(4097)}","history":0}`,
    ],
    ['ring with a negative size', '{"v":1,"t":"ring","id":"a","at":1,"size":-1,"past":false}'],
    ['ring with a fractional at', '{"v":1,"t":"ring","id":"a","at":1.5,"size":0,"past":false}'],
    [
      'ring with size above the maximum',
      `{"v":1,"t":"ring","id":"a","at":1,"size":${MAX_SNAPSHOT_BYTES + 1},"past":false}`,
    ],
    [
      'ring with a 65-character id',
      `{"v":1,"t":"ring","id":"${'i'.repeat(65)}","at":1,"size":0,"past":false}`,
    ],
    ['ring with past as a number', '{"v":1,"t":"ring","id":"a","at":1,"size":0,"past":0}'],
    ['viewers as a string', '{"v":1,"t":"viewers","count":"3"}'],
    ['viewers above 10 000', '{"v":1,"t":"viewers","count":10001}'],
    ['oversize frame', `{"v":1,"t":"talk","on":true,"pad":"${'x'.repeat(MAX_TEXT_FRAME_BYTES)}"}`],
  ];
  it.each(hostile)('refuses %s with DoorbellMessageError', (_what, text) => {
    expect(() => decodeDoorbellMessage(text)).toThrow(DoorbellMessageError);
  });

  it('names the error class stably', () => {
    expect(() => decodeDoorbellMessage('{}')).toThrow(
      expect.objectContaining({ name: 'DoorbellMessageError' }),
    );
  });
});

describe('snapshots', () => {
  it('cuts a snapshot into chunks of at most SNAPSHOT_CHUNK_BYTES and reassembles it', () => {
    const jpeg = Uint8Array.from({ length: SNAPSHOT_CHUNK_BYTES * 2 + 5 }, (_, i) => i % 251);
    const chunks = snapshotChunks(jpeg);
    expect(chunks.map((c) => c.length)).toEqual([SNAPSHOT_CHUNK_BYTES, SNAPSHOT_CHUNK_BYTES, 5]);
    const assembler = createSnapshotAssembler();
    const header = { ...ring, size: jpeg.length };
    expect(assembler.ring(header)).toBeUndefined();
    expect(assembler.chunk(chunks[0] as Uint8Array)).toBeUndefined();
    expect(assembler.chunk(chunks[1] as Uint8Array)).toBeUndefined();
    expect(assembler.chunk(chunks[2] as Uint8Array)).toEqual({ header, jpeg });
  });

  it('a ring without a snapshot completes at once', () => {
    const header = { ...ring, size: 0 };
    expect(createSnapshotAssembler().ring(header)).toEqual({ header });
  });

  it('refuses bytes with no ring waiting', () => {
    expect(() => createSnapshotAssembler().chunk(new Uint8Array(1))).toThrow(DoorbellMessageError);
  });

  it('refuses more bytes than announced, and the next ring starts clean', () => {
    const assembler = createSnapshotAssembler();
    assembler.ring(ring);
    expect(() => assembler.chunk(new Uint8Array(4))).toThrow(DoorbellMessageError);
    // The broken snapshot is gone: stray bytes are refused, a new ring assembles.
    expect(() => assembler.chunk(new Uint8Array(1))).toThrow(DoorbellMessageError);
    const next = { ...ring, id: 'next', size: 2 };
    expect(assembler.ring(next)).toBeUndefined();
    expect(assembler.chunk(Uint8Array.of(7, 8))).toEqual({ header: next, jpeg: Uint8Array.of(7, 8) });
  });

  it('refuses a ring before the previous snapshot was complete, and assembles the new one', () => {
    const assembler = createSnapshotAssembler();
    assembler.ring(ring);
    assembler.chunk(Uint8Array.of(1));
    const next = { ...ring, id: 'next', size: 2 };
    expect(() => assembler.ring(next)).toThrow(DoorbellMessageError);
    expect(assembler.chunk(Uint8Array.of(5, 6))).toEqual({ header: next, jpeg: Uint8Array.of(5, 6) });
  });
});

describe('parseDoorbellInfo', () => {
  const info = { v: 1, id: 'abc', name: 'Front door', card: 'LR1:X', relayPath: '/relay' };
  it('accepts a well-formed document', () => {
    expect(parseDoorbellInfo(info)).toEqual(info);
  });
  it.each<[string, unknown]>([
    ['null', null],
    ['version 2', { ...info, v: 2 }],
    ['a numeric id', { ...info, id: 7 }],
    ['no relayPath', { ...info, relayPath: undefined }],
    ['an oversize card', { ...info, card: 'c'.repeat(4097) }],
  ])('refuses %s with a TypeError', (_what, value) => {
    expect(() => parseDoorbellInfo(value)).toThrow(TypeError);
  });
});
