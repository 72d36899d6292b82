import { describe, expect, it } from 'vitest';
import { MalformedInputError, UnsupportedVersionError } from '../../src/index.js';
import {
  decodeRoomFrame,
  encodeRoomFrame,
  MAX_RELIABLE_DATA,
  type RoomFrame,
} from '../../src/room/messages.js';

const join: RoomFrame = {
  type: 'join',
  room: 'game',
  name: 'Ann',
  nameSignature: new Uint8Array(64).fill(1),
  proof: new Uint8Array(32).fill(2),
  pin: '1234',
};

describe('room wire frames', () => {
  it.each<RoomFrame>([
    join,
    { ...join, proof: new Uint8Array(0), pin: '' },
    { type: 'refused', reason: 'wrong-pin' },
    { type: 'roster', body: new Uint8Array([1, 2, 3]) },
    { type: 'data', data: new Uint8Array([9, 8, 7]) },
    { type: 'data', data: new Uint8Array(0) },
    { type: 'ping', nonce: 0 },
    { type: 'pong', nonce: 0xfffffffe },
    { type: 'leave', reason: 'left' },
    { type: 'closed', reason: 'game over' },
    { type: 'kicked', reason: 'bye' },
  ])('round-trips $type', (frame) => {
    expect(decodeRoomFrame(encodeRoomFrame(frame))).toEqual(frame);
  });

  it('starts every frame with the version byte 1 and the type byte (golden: ping 5)', () => {
    expect([...encodeRoomFrame({ type: 'ping', nonce: 5 })]).toEqual([1, 5, 5]);
    expect([...encodeRoomFrame({ type: 'leave', reason: 'x' })]).toEqual([1, 7, 1, 120]);
  });

  it('refuses another wire version with UnsupportedVersionError', () => {
    expect(() => decodeRoomFrame(new Uint8Array([2, 5, 0]))).toThrow(UnsupportedVersionError);
    expect(() => decodeRoomFrame(new Uint8Array([0, 5, 0]))).toThrow(/room wire version 0/);
  });

  const joinBytes = encodeRoomFrame(join);
  it.each<[string, Uint8Array, RegExp]>([
    ['an empty frame', new Uint8Array(0), /truncated: room frame version/],
    ['no type', new Uint8Array([1]), /truncated: room frame type/],
    ['an unknown type', new Uint8Array([1, 99]), /unknown room frame type 99/],
    ['a truncated join', joinBytes.subarray(0, joinBytes.length - 3), /truncated/],
    ['a join with trailing bytes', new Uint8Array([...joinBytes, 0]), /trailing/],
    [
      'a join with a 16-byte proof',
      encodeRoomFrame({ ...join, proof: new Uint8Array(16) }),
      /join proof length/,
    ],
    [
      'a join with an oversized name',
      encodeRoomFrame({ ...join, name: 'x'.repeat(200) }),
      /out of range: join name/,
    ],
    [
      'a join with an oversized room',
      encodeRoomFrame({ ...join, room: 'x'.repeat(40) }),
      /out of range: join room/,
    ],
    ['a reason of invalid UTF-8', new Uint8Array([1, 2, 2, 0xc3, 0x28]), /invalid UTF-8/],
    ['a reason over 256 bytes', encodeRoomFrame({ type: 'closed', reason: 'x'.repeat(300) }), /out of range/],
    ['a ping with a non-minimal varint', new Uint8Array([1, 5, 0x80, 0x00]), /non-minimal varint/],
    ['a ping nonce over 32 bits', new Uint8Array([1, 5, 0x80, 0x80, 0x80, 0x80, 0x10]), /out of range/],
    ['a ping with trailing bytes', new Uint8Array([1, 5, 1, 1]), /trailing/],
    [
      'data over 64 KiB',
      new Uint8Array(MAX_RELIABLE_DATA + 3).fill(1, 0, 1).fill(4, 1, 2),
      /room data too large/,
    ],
    ['a roster over 32 KiB', new Uint8Array(40_000).fill(1, 0, 1).fill(3, 1, 2), /roster too large/],
  ])('refuses %s with MalformedInputError', (_, bytes, message) => {
    expect(() => decodeRoomFrame(bytes)).toThrow(MalformedInputError);
    expect(() => decodeRoomFrame(bytes)).toThrow(message);
  });
});
