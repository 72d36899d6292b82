import { describe, expect, it } from 'vitest';
import { decodeClientMessage, encodeInput } from '../src/shared/codec-client.js';
import { decodeHostMessage, encodeHostMessage } from '../src/shared/codec-host.js';
import { type HostMessage, MSG, type SnapshotMessage } from '../src/shared/messages.js';
import { snapPos, snapVel } from '../src/shared/quantize.js';
import { encodeSnapshotJson } from '../src/shared/snapshot-json.js';

const snapshot = (discs: number): SnapshotMessage => ({
  type: 'snapshot',
  tick: 123_456,
  sentAt: 1_796_000_000_123.25,
  discs: Array.from({ length: discs }, (_, slot) => ({
    slot,
    x: snapPos(100.3 + slot * 97.11),
    y: snapPos(50.7 + slot * 51.9),
    vx: snapVel(-3.1 + slot),
    vy: snapVel(2.7 - slot),
    dashTicks: slot % 2 ? 5 : 0,
    cooldown: slot * 10,
    score: slot * 3,
    ack: 1000 + slot,
  })),
});

const hostMessages: HostMessage[] = [
  {
    type: 'roster',
    phase: 'playing',
    round: 3,
    tick: 999,
    phaseEndsTick: 4600,
    players: [
      { slot: 0, id: 'a'.repeat(52), name: 'Ada', connected: true, score: 7 },
      { slot: 5, id: 'b'.repeat(52), name: 'Zoë 🎮', connected: false, score: 0 },
    ],
  },
  { type: 'coins', version: 17, coins: [{ id: 4, x: 123.5, y: 77.03125, big: true }] },
  { type: 'score', reason: 'steal', slot: 2, from: 1, points: 1 },
  {
    type: 'pings',
    pings: [
      { slot: 0, rttMs: 3 },
      { slot: 7, rttMs: 250 },
    ],
  },
  { type: 'bye', text: 'host left: the game is over' },
  snapshot(8),
  snapshot(0),
];

describe('host messages', () => {
  it.each(hostMessages.map((m) => [m.type, m] as const))('%s round-trips', (_, m) => {
    expect(decodeHostMessage(encodeHostMessage(m))).toEqual(m);
  });

  it('a snapshot of 8 players is at most 0.3× its JSON encoding', () => {
    const s = snapshot(8);
    const binary = encodeHostMessage(s).length;
    const json = encodeSnapshotJson(s).length;
    expect(binary).toBe(14 + 8 * 17);
    expect(binary / json).toBeLessThanOrEqual(0.3);
  });

  const valid = encodeHostMessage(snapshot(2));
  const mutate = (f: (b: Uint8Array) => void) => {
    const b = valid.slice();
    f(b);
    return b;
  };
  // Offsets in a snapshot: type 0, tick 1–4, sentAt 5–12, count 13, first disc from 14 (slot, x, y, vx, vy, dash, cooldown, score, ack).
  const hostile: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(0), 'MalformedMessageError'],
    ['unknown type', Uint8Array.of(0x7f), 'UnknownMessageTypeError'],
    [
      'a player message sent as the host',
      encodeInput({ slot: 0, inputs: [{ seq: 1, dx: 0, dy: 0, dash: false }] }),
      'UnknownMessageTypeError',
    ],
    ['truncated snapshot', valid.subarray(0, valid.length - 1), 'MalformedMessageError'],
    ['trailing byte', Uint8Array.of(...valid, 0), 'MalformedMessageError'],
    ['too large', new Uint8Array(5000).fill(MSG.snapshot), 'MessageTooLargeError'],
    ['9 discs', mutate((b) => (b[13] = 9)), 'MalformedMessageError'],
    ['slot 8', mutate((b) => (b[14] = 8)), 'MalformedMessageError'],
    ['slot twice', mutate((b) => (b[14 + 17] = b[14] ?? 0)), 'MalformedMessageError'],
    ['x past the arena', mutate((b) => b.set([0xff, 0xff], 15)), 'MalformedMessageError'],
    ['vx past the hard speed limit', mutate((b) => b.set([0x7f, 0xff], 19)), 'MalformedMessageError'],
    ['dash ticks out of range', mutate((b) => (b[23] = 200)), 'MalformedMessageError'],
    ['NaN send time', mutate((b) => b.set([0x7f, 0xf8, 0, 0, 0, 0, 0, 0], 5)), 'MalformedMessageError'],
    [
      'roster name not UTF-8',
      Uint8Array.of(MSG.roster, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0x61, 2, 0xc3, 0x28),
      'MalformedMessageError',
    ],
    [
      'roster empty name',
      Uint8Array.of(MSG.roster, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0x61, 0),
      'MalformedMessageError',
    ],
    [
      'roster phase 9',
      Uint8Array.of(MSG.roster, 9, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
      'MalformedMessageError',
    ],
    ['score of 0 points', Uint8Array.of(MSG.score, 0, 1, 1, 0), 'MalformedMessageError'],
  ];
  it.each(hostile)('rejects %s', (_, bytes, name) => {
    expect(() => decodeHostMessage(bytes)).toThrow(expect.objectContaining({ name }));
  });
});

describe('player messages', () => {
  it('inputs round-trip', () => {
    const inputs = [
      { seq: 1, dx: -127, dy: 127, dash: false },
      { seq: 0xffffffff, dx: 0, dy: -5, dash: true },
    ];
    expect(decodeClientMessage(encodeInput({ slot: 3, inputs }))).toEqual({ type: 'input', slot: 3, inputs });
  });

  const one = encodeInput({ slot: 1, inputs: [{ seq: 9, dx: 10, dy: 20, dash: false }] });
  const hostile: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(0), 'MalformedMessageError'],
    ['a host message', encodeHostMessage({ type: 'bye', text: '' }), 'UnknownMessageTypeError'],
    ['slot 8', Uint8Array.of(MSG.input, 8, ...one.subarray(2)), 'MalformedMessageError'],
    ['no inputs', Uint8Array.of(MSG.input, 1, 0), 'MalformedMessageError'],
    ['9 inputs', Uint8Array.of(MSG.input, 1, 9, ...new Uint8Array(9 * 7)), 'MalformedMessageError'],
    [
      'count says 2, one is there',
      Uint8Array.of(MSG.input, 1, 2, ...one.subarray(3)),
      'MalformedMessageError',
    ],
    ['axis −128', Uint8Array.of(...one.subarray(0, 7), 0x80, 0, 0), 'MalformedMessageError'],
    ['unknown button bits', Uint8Array.of(...one.subarray(0, 9), 0x82), 'MalformedMessageError'],
    ['trailing byte', Uint8Array.of(...one, 1), 'MalformedMessageError'],
    ['too large', new Uint8Array(4096).fill(MSG.input), 'MessageTooLargeError'],
  ];
  it.each(hostile)('rejects %s', (_, bytes, name) => {
    expect(() => decodeClientMessage(bytes)).toThrow(expect.objectContaining({ name }));
  });
});
