import { fromHex, toHex } from '@lanrtc/signal-core/codec';
import {
  decodeTransferFrame,
  encodeTransferFrame,
  MAX_REASON_TEXT_BYTES,
  type TransferFrame,
} from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import vectors from '../vectors/transfer.json' with { type: 'json' };

const BYTE_FIELDS = new Set(['token', 'piece', 'bytes']);

/** A vector's frame with its hex fields as bytes. */
function frameOf(json: Record<string, unknown>): TransferFrame {
  const entries = Object.entries(json).map(([key, value]) => [
    key,
    BYTE_FIELDS.has(key) ? fromHex(value as string) : value,
  ]);
  return Object.fromEntries(entries) as TransferFrame;
}

const hex = (text: string) => fromHex(text) as Uint8Array;

describe('transfer frames', () => {
  it.each(vectors.frames.map((v) => [v.frame.type, v] as const))(
    '%s encodes to its golden bytes and back',
    (_, v) => {
      const frame = frameOf(v.frame);
      expect(toHex(encodeTransferFrame(frame))).toBe(v.hex);
      expect(decodeTransferFrame(hex(v.hex))).toEqual(frame);
    },
  );

  it('refuses another version with UnsupportedVersionError', () => {
    expect(() => decodeTransferFrame(hex('020b'))).toThrow(
      expect.objectContaining({ name: 'UnsupportedVersionError' }),
    );
  });

  const malformed: [string, string][] = [
    ['empty', ''],
    ['version only', '01'],
    ['unknown type', '01ee'],
    ['type 0', '0100'],
    ['trailing byte after complete', '010b00'],
    ['unknown lane kind in hello', '01010103'],
    ['lane listed twice', '0101020202'],
    ['more lanes than exist', '010103010202'],
    ['unknown lane in LANE', '010203'],
    ['tls lane with short token', `010201${'aa'.repeat(31)}`],
    ['tls lane without endpoints', `010201${'aa'.repeat(32)}00`],
    ['tls lane with port 0', `010201${'aa'.repeat(32)}0101610000`],
    ['tls lane with port over 65535', `010201${'aa'.repeat(32)}010161808004`],
    ['tls lane with empty host', `010201${'aa'.repeat(32)}0100c1b802`],
    ['decline reason 0', '01070000'],
    ['decline reason 6', '01070600'],
    ['decline text over its limit', `010701${'8102'}${'61'.repeat(257)}`],
    ['data without bytes', '0108010200'],
    ['truncated ack', '010903'],
    ['non-minimal varint', '010a8000'],
    ['offer piece past its length', '0105020001020304'],
    ['offer offset past its length', '01050203'],
    ['abort reason not a code', '010c0220200000'],
    ['invalid UTF-8 in abort text', '010c014101ff'],
  ];
  it.each(malformed)('refuses %s with MalformedInputError', (_, bytes) => {
    expect(() => decodeTransferFrame(hex(bytes))).toThrow(
      expect.objectContaining({ name: 'MalformedInputError' }),
    );
  });

  it('shortens a long text to its limit without splitting a character', () => {
    const frame = encodeTransferFrame({ type: 'decline', reason: 'busy', text: 'é'.repeat(400) });
    const decoded = decodeTransferFrame(frame);
    expect(decoded.type === 'decline' && decoded.text).toBe('é'.repeat(MAX_REASON_TEXT_BYTES / 2));
  });

  it('refuses to encode what it could not decode', () => {
    expect(() => encodeTransferFrame({ type: 'token', token: new Uint8Array(31) })).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError' }),
    );
    expect(() => encodeTransferFrame({ type: 'abort', reason: 'has space', text: '' })).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError' }),
    );
    expect(() =>
      encodeTransferFrame({
        type: 'lane',
        lane: 'tls',
        token: new Uint8Array(32),
        endpoints: [{ host: 'h', port: 0 }],
      }),
    ).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }));
  });
});
