/**
 * The renegotiation frame on the auth channel: a sealed description opens only when it is the frame
 * version this build speaks, a description type, signed by the expected peer for this connection and
 * fresh; every other input is a specific typed error.
 */
import { describe, expect, it } from 'vitest';
import {
  DIRECT_DESCRIPTION_TYPE,
  DIRECT_RENEGOTIATION_VERSION,
  encodeRenegotiationFrame,
  MAX_RENEGOTIATION_FRAME_BYTES,
  openRenegotiationFrame,
} from '../../src/direct/renegotiation-frame.js';
import { type EnvelopeType, sealEnvelope } from '../../src/envelope/envelope.js';
import { createReplayGuard } from '../../src/envelope/replay.js';
import { createIdentity, publicIdentity } from '../../src/identity/identity.js';

const alice = createIdentity();
const bob = createIdentity();
const session = new Uint8Array(16).fill(7);
const payload = new TextEncoder().encode('v=0');

const seal = (over: { type?: EnvelopeType; session?: Uint8Array; counter?: number } = {}, from = alice) =>
  encodeRenegotiationFrame(
    sealEnvelope(from, {
      type: over.type ?? 'offer',
      recipient: bob.id,
      session: over.session ?? session,
      counter: over.counter ?? 1,
      payload,
    }),
  );

const open = (bytes: Uint8Array, replay = createReplayGuard()) =>
  openRenegotiationFrame(bytes, session, {
    recipient: bob.id,
    replay,
    expectedSender: publicIdentity(alice.publicKey),
  });

describe('renegotiation frame', () => {
  it('opens a signed offer and answer of the expected peer for this connection', () => {
    const frame = seal();
    expect([...frame.subarray(0, 2)]).toEqual([DIRECT_RENEGOTIATION_VERSION, DIRECT_DESCRIPTION_TYPE]);
    const replay = createReplayGuard();
    expect(open(frame, replay)).toMatchObject({ type: 'offer', counter: 1, payload });
    expect(open(seal({ type: 'answer', counter: 2 }), replay).type).toBe('answer');
  });

  const unsigned = seal();
  unsigned.fill(0, unsigned.length - 64);
  const longFrame = new Uint8Array(MAX_RENEGOTIATION_FRAME_BYTES + 1);
  longFrame.set([1, DIRECT_DESCRIPTION_TYPE]);
  it.each([
    [
      'another frame version',
      new Uint8Array([2, DIRECT_DESCRIPTION_TYPE, ...seal().subarray(2)]),
      'UnsupportedVersionError',
    ],
    ['a handshake message (hello) after authentication', new Uint8Array([1, 1, 0]), 'MalformedInputError'],
    ['a header alone', new Uint8Array([1]), 'MalformedInputError'],
    ['a frame over the size bound', longFrame, 'MalformedInputError'],
    ['a truncated envelope', seal().subarray(0, 40), 'MalformedInputError'],
    ['a broken signature', unsigned, 'InvalidSignatureError'],
    ['another signer', seal({}, createIdentity()), 'UnexpectedSenderError'],
    ['another connection', seal({ session: new Uint8Array(16) }), 'UnexpectedSenderError'],
    ['a non-description envelope', seal({ type: 'app' }), 'UnexpectedEnvelopeTypeError'],
  ])('refuses %s', (_, bytes, name) => {
    expect(() => open(bytes)).toThrow(expect.objectContaining({ name }));
  });

  it('names the version it got and the one it speaks', () => {
    expect(() => open(new Uint8Array([9, DIRECT_DESCRIPTION_TYPE]))).toThrow(
      'renegotiation frame version 9; this build speaks version 1',
    );
  });

  it('refuses a replayed frame', () => {
    const replay = createReplayGuard();
    const frame = seal();
    open(frame, replay);
    expect(() => open(frame, replay)).toThrow(expect.objectContaining({ name: 'ReplayedEnvelopeError' }));
  });
});
