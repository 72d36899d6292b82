import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertSendFrame,
  decodeRelayFrame,
  encodeDeliver,
  encodeRelayFrame,
  identityIdBytes,
  MAX_HEARTBEAT_SEQ,
  MAX_RELAY_PAYLOAD,
  RELAY_ERROR_CODES,
  RELAY_FRAME_CODES,
  type RelayFrame,
  sendToDeliver,
  signRelayChallenge,
  verifyRelayAuth,
} from '../../src/exports/protocol.js';
import { relayEndpoint } from '../../src/exports/session.js';
import {
  createIdentity,
  InvalidArgumentError,
  InvalidSignatureError,
  MalformedInputError,
  UnsupportedVersionError,
} from '../../src/index.js';

const id = (n: number) => new Uint8Array(16).fill(n);
const frames: RelayFrame[] = [
  {
    type: 'hello',
    challenge: new Uint8Array(32).fill(7),
    endpoint: '10.0.0.2:8787',
    maxPayload: 66_000,
    heartbeatMs: 20_000,
  },
  { type: 'welcome', id: id(1) },
  { type: 'deliver', from: id(2), bytes: new Uint8Array([1, 2, 3]) },
  { type: 'joined', room: 'kitchen', members: [id(3), id(4)] },
  { type: 'joined', room: 'empty', members: [] },
  { type: 'presence', room: 'kitchen', id: id(5), present: true },
  { type: 'presence', room: 'kitchen', id: id(5), present: false },
  { type: 'error', code: 'room-full', subject: 'kitchen', detail: '' },
  { type: 'auth', publicKey: new Uint8Array(32).fill(9), signature: new Uint8Array(64).fill(8) },
  { type: 'send', to: id(6), bytes: new Uint8Array(MAX_RELAY_PAYLOAD) },
  { type: 'join', room: 'ü-room' },
  { type: 'leave', room: 'r' },
  { type: 'ping', seq: 0 },
  { type: 'ping', seq: MAX_HEARTBEAT_SEQ },
  { type: 'pong', seq: 300 },
];

describe('relay frames', () => {
  it.each(frames.map((f) => [f.type, f] as const))('round-trips %s', (_, frame) => {
    const bytes = encodeRelayFrame(frame);
    expect(bytes[0]).toBe(1);
    expect(decodeRelayFrame(bytes)).toEqual(frame);
  });

  it.each([
    ['a 65-byte room', { type: 'join', room: 'é'.repeat(33) }],
    ['an empty room', { type: 'leave', room: '' }],
    ['a 201-byte detail', { type: 'error', code: 'replaced', subject: '', detail: 'x'.repeat(201) }],
    [
      'a 31-byte challenge',
      { type: 'hello', challenge: new Uint8Array(31), endpoint: 'a', maxPayload: 1, heartbeatMs: 1 },
    ],
    ['an oversized payload', { type: 'send', to: id(1), bytes: new Uint8Array(MAX_RELAY_PAYLOAD + 1) }],
    ['1025 members', { type: 'joined', room: 'r', members: Array.from({ length: 1025 }, () => id(1)) }],
    ['a heartbeat seq above 2^32-1', { type: 'ping', seq: MAX_HEARTBEAT_SEQ + 1 }],
    ['a negative heartbeat seq', { type: 'pong', seq: -1 }],
    ['a fractional heartbeat seq', { type: 'ping', seq: 1.5 }],
  ] as [string, RelayFrame][])('refuses to encode %s', (_, frame) => {
    expect(() => encodeRelayFrame(frame)).toThrow(InvalidArgumentError);
  });

  it('has stable error code numbers', () => {
    expect(RELAY_ERROR_CODES['malformed-frame']).toBe(1);
    expect(RELAY_ERROR_CODES['auth-timeout']).toBe(15);
    expect(RELAY_ERROR_CODES['address-full']).toBe(16);
    expect([RELAY_FRAME_CODES.ping, RELAY_FRAME_CODES.pong]).toEqual([0x85, 0x13]);
  });

  const send = encodeRelayFrame({ type: 'send', to: id(6), bytes: new Uint8Array([1, 2]) });
  const hostile: [string, Uint8Array, new (...a: never[]) => Error][] = [
    ['empty', new Uint8Array(0), MalformedInputError],
    ['version 2', new Uint8Array([2, 0x82]), UnsupportedVersionError],
    ['version 0', new Uint8Array([0]), UnsupportedVersionError],
    ['unknown type', new Uint8Array([1, 0x7f]), MalformedInputError],
    ['reserved type 0', new Uint8Array([1, 0]), MalformedInputError],
    ['truncated send id', send.slice(0, 10), MalformedInputError],
    ['truncated send payload', send.slice(0, send.length - 1), MalformedInputError],
    ['trailing byte', new Uint8Array([...send, 0]), MalformedInputError],
    [
      'payload length beyond the maximum',
      new Uint8Array([1, 0x82, ...id(1), 0xff, 0xff, 0x7f]),
      MalformedInputError,
    ],
    ['non-minimal varint', new Uint8Array([1, 0x82, ...id(1), 0x81, 0x00, 1]), MalformedInputError],
    ['empty room', new Uint8Array([1, 0x83, 0]), MalformedInputError],
    ['room too long', new Uint8Array([1, 0x83, 65, ...new Uint8Array(65).fill(0x61)]), MalformedInputError],
    ['room invalid UTF-8', new Uint8Array([1, 0x83, 1, 0xff]), MalformedInputError],
    ['member count beyond bytes', new Uint8Array([1, 0x11, 1, 0x61, 100]), MalformedInputError],
    ['member count beyond maximum', new Uint8Array([1, 0x11, 1, 0x61, 0x81, 0x10]), MalformedInputError],
    ['presence flag 2', new Uint8Array([1, 0x12, 1, 0x61, ...id(1), 2]), MalformedInputError],
    ['unknown error code', new Uint8Array([1, 0x1e, 99, 0, 0]), MalformedInputError],
    ['short auth signature', new Uint8Array([1, 0x81, ...new Uint8Array(32 + 63)]), MalformedInputError],
    ['ping without seq', new Uint8Array([1, 0x85]), MalformedInputError],
    ['ping seq above 2^32-1', new Uint8Array([1, 0x85, 0x80, 0x80, 0x80, 0x80, 0x10]), MalformedInputError],
    ['pong with a trailing byte', new Uint8Array([1, 0x13, 5, 0]), MalformedInputError],
    ['pong seq non-minimal', new Uint8Array([1, 0x13, 0x85, 0x00]), MalformedInputError],
  ];
  it.each(hostile)('rejects %s', (_, bytes, error) => {
    expect(() => decodeRelayFrame(bytes)).toThrow(error);
  });

  it('never throws anything but a decode error on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeRelayFrame(bytes);
          return true;
        } catch (e) {
          return e instanceof MalformedInputError || e instanceof UnsupportedVersionError;
        }
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('assertSendFrame accepts exactly the send frames decodeRelayFrame accepts', () => {
    const valid = encodeRelayFrame({ type: 'send', to: id(6), bytes: new Uint8Array(200) });
    const sendLike = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((tail) => new Uint8Array([1, 0x82, ...tail])),
      fc
        .tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), fc.integer({ min: -3, max: 3 }))
        .map(([at, byte, cut]) => {
          const out = valid.slice(0, valid.length + Math.min(cut, 0));
          if (at >= 2 && at < out.length) out[at] = byte;
          return cut > 0 ? new Uint8Array([...out, ...new Uint8Array(cut)]) : out;
        }),
    );
    fc.assert(
      fc.property(sendLike, (bytes) => {
        const decoded = (() => {
          try {
            return decodeRelayFrame(bytes).type === 'send';
          } catch {
            return false;
          }
        })();
        const asserted = (() => {
          try {
            assertSendFrame(bytes);
            return true;
          } catch (e) {
            return e instanceof MalformedInputError ? false : 'other';
          }
        })();
        expect(asserted).toBe(decoded);
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it('rewrites send into deliver with the authenticated sender, bytes unchanged', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (payload) => {
        const frame = encodeRelayFrame({ type: 'send', to: id(6), bytes: payload });
        const { to, deliver } = sendToDeliver(frame, id(9));
        expect(to).toEqual(id(6));
        expect(deliver).toEqual(encodeDeliver(id(9), payload));
        expect(decodeRelayFrame(deliver)).toEqual({ type: 'deliver', from: id(9), bytes: payload });
      }),
      { seed: 42, numRuns: 200 },
    );
    expect(() => sendToDeliver(send.slice(0, -1), id(9))).toThrow(MalformedInputError);
    expect(() => sendToDeliver(encodeRelayFrame({ type: 'join', room: 'r' }), id(9))).toThrow(
      MalformedInputError,
    );
  });
});

describe('relay login', () => {
  const me = createIdentity();
  const challenge = new Uint8Array(32).fill(3);
  const sig = signRelayChallenge(me, challenge, '10.0.0.2:8787');

  it('verifies the answer and names the identity', () => {
    const who = verifyRelayAuth(me.publicKey, sig, challenge, '10.0.0.2:8787');
    expect(who.id).toBe(me.id);
    expect(identityIdBytes(who.publicKey)).toEqual(identityIdBytes(me.publicKey));
  });

  it.each([
    [
      'another challenge',
      me.publicKey,
      sig,
      new Uint8Array(32).fill(4),
      '10.0.0.2:8787',
      InvalidSignatureError,
    ],
    ['another endpoint', me.publicKey, sig, challenge, '10.0.0.3:8787', InvalidSignatureError],
    ['another key', createIdentity().publicKey, sig, challenge, '10.0.0.2:8787', InvalidSignatureError],
    [
      'a key that is no point',
      new Uint8Array(32).fill(0xff),
      sig,
      challenge,
      '10.0.0.2:8787',
      MalformedInputError,
    ],
  ] as const)('rejects a signature checked against %s', (_, key, s, ch, ep, error) => {
    expect(() => verifyRelayAuth(key, s, ch, ep)).toThrow(error);
  });

  it('takes the endpoint from a ws URL', () => {
    expect(relayEndpoint('ws://10.0.0.2:8787/')).toBe('10.0.0.2:8787');
    expect(relayEndpoint('WSS://Hub.local/x')).toBe('hub.local');
    expect(() => relayEndpoint('http://x/')).toThrow();
  });
});
