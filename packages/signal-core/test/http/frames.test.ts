import {
  decodeHttpFrame,
  encodeHttpFrame,
  HTTP_INITIAL_WINDOW_BYTES,
  type HttpFrame,
} from '@lanrtc/signal-core/http';
import { describe, expect, it } from 'vitest';

const frames: HttpFrame[] = [
  { type: 'hello', stream: 0, version: 1, service: 'web' },
  {
    type: 'request',
    stream: 1,
    end: true,
    method: 'GET',
    path: '/api/x?y=1',
    headers: [
      ['accept', 'application/json'],
      ['range', 'bytes=0-'],
    ],
  },
  { type: 'request', stream: 0xffffffff, end: false, method: 'POST', path: '/', headers: [] },
  { type: 'response', stream: 7, end: false, status: 206, headers: [['content-range', 'bytes 0-9/100']] },
  { type: 'response', stream: 7, end: true, status: 204, headers: [] },
  { type: 'data', stream: 3, bytes: new Uint8Array([1, 2, 3]) },
  { type: 'end', stream: 3 },
  { type: 'reset', stream: 3, code: 'upstream-failed' },
  { type: 'window', stream: 3, increment: HTTP_INITIAL_WINDOW_BYTES },
  { type: 'goaway', stream: 0, code: 'not-allowed', detail: 'grant revoked ✓' },
];

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

describe('HTTP frame codec', () => {
  it.each(frames.map((f) => [f.type, f] as const))('%s round-trips', (_type, frame) => {
    expect(decodeHttpFrame(encodeHttpFrame(frame))).toEqual(frame);
  });

  it('lays out the header as u8 type ‖ u32 big-endian stream', () => {
    expect(encodeHttpFrame({ type: 'window', stream: 0x01020304, increment: 0x100 })).toEqual(
      hex('060102030400000100'),
    );
    expect(encodeHttpFrame({ type: 'hello', stream: 0, version: 1, service: 'web' })).toEqual(
      hex('00000000000100037765 62'.replace(/ /g, '')),
    );
  });

  it('refuses to encode what the wire does not allow', () => {
    const bad: HttpFrame[] = [
      { type: 'request', stream: 1, end: true, method: 'GET', path: '/', headers: [['Host', 'x']] },
      { type: 'request', stream: 1, end: true, method: 'GET', path: '/', headers: [['x', 'a\r\nb: c']] },
      { type: 'request', stream: 1, end: true, method: 'G ET', path: '/', headers: [] },
      { type: 'request', stream: 0, end: true, method: 'GET', path: '/', headers: [] },
      { type: 'response', stream: 1, end: true, status: 1000, headers: [] },
      { type: 'data', stream: 1, bytes: new Uint8Array(0) },
      { type: 'window', stream: 1, increment: 0 },
      { type: 'hello', stream: 0, version: 1, service: 'Web Service' },
      {
        type: 'request',
        stream: 1,
        end: true,
        method: 'GET',
        path: '/',
        headers: [['x', 'v'.repeat(70_000)]],
      },
    ];
    for (const frame of bad)
      expect(() => encodeHttpFrame(frame), JSON.stringify(frame).slice(0, 80)).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError' }),
      );
  });

  // Each row: hex of a hostile frame, the error name decoding must throw.
  const hostile: [string, string, string][] = [
    ['empty', '', 'MalformedInputError'],
    ['truncated stream id', '010000', 'MalformedInputError'],
    ['unknown type', '0800000001', 'MalformedInputError'],
    ['HELLO on a stream', '000000000101000377 6562', 'MalformedInputError'],
    ['HELLO of version 2', '00000000000200037765 62', 'UnsupportedVersionError'],
    ['HELLO service length past the frame', '000000000001ffff77', 'MalformedInputError'],
    ['HELLO service with upper case', '00000000000100035765 62', 'MalformedInputError'],
    ['REQUEST on stream 0', '0100000000010347455401 2f0000', 'MalformedInputError'],
    ['REQUEST with unknown flag bit', '0100000001020347455400012f0000', 'MalformedInputError'],
    ['REQUEST with empty path', '01000000010103474554 00000000', 'MalformedInputError'],
    ['REQUEST with a space in the method', '0100000001010347204500012f0000', 'MalformedInputError'],
    ['REQUEST header count past its headers', '0100000001010347455400012f0005', 'MalformedInputError'],
    ['REQUEST header name upper case', '0100000001010347455400012f0001 01 41 0000', 'MalformedInputError'],
    ['REQUEST header value with LF', '0100000001010347455400012f0001 0178 0001 0a', 'MalformedInputError'],
    ['REQUEST header value with NUL', '0100000001010347455400012f0001 0178 0001 00', 'MalformedInputError'],
    ['REQUEST path invalid UTF-8', '010000000101034745540002c3 280000', 'MalformedInputError'],
    ['REQUEST trailing byte', '0100000001010347455400012f0000 00', 'MalformedInputError'],
    ['RESPONSE status 99', '0200000001010063 0000', 'MalformedInputError'],
    ['RESPONSE status 1000', '02000000010103e8 0000', 'MalformedInputError'],
    ['DATA without bytes', '0300000001', 'MalformedInputError'],
    ['DATA on stream 0', '030000000001', 'MalformedInputError'],
    ['END with a payload', '040000000100', 'MalformedInputError'],
    ['RESET unknown code', '050000000106', 'MalformedInputError'],
    ['RESET without code', '0500000001', 'MalformedInputError'],
    ['WINDOW of 0', '060000000100000000', 'MalformedInputError'],
    ['WINDOW past 2^31-1', '060000000180000000', 'MalformedInputError'],
    ['WINDOW truncated', '0600000001000001', 'MalformedInputError'],
    ['GOAWAY unknown code', '07000000000500 00', 'MalformedInputError'],
    ['GOAWAY on a stream', '0700000001000000', 'MalformedInputError'],
    ['GOAWAY detail too long', '070000000000 0401', 'MalformedInputError'],
  ];
  it.each(hostile)('hostile: %s → %s', (_what, bytes, name) => {
    expect(() => decodeHttpFrame(hex(bytes.replace(/ /g, '')))).toThrow(expect.objectContaining({ name }));
  });

  it('refuses a REQUEST head over 64 KiB', () => {
    const frame = encodeHttpFrame({
      type: 'request',
      stream: 1,
      end: true,
      method: 'GET',
      path: '/',
      headers: [['x', 'v'.repeat(60_000)]],
    });
    const big = new Uint8Array(64 * 1024 + 1);
    big.set(frame);
    expect(() => decodeHttpFrame(big)).toThrow(expect.objectContaining({ name: 'MalformedInputError' }));
  });
});
