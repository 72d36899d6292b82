import { describe, expect, it } from 'vitest';
import { openCard } from '../../src/card/open.js';
import { fromQrText, toQrText } from '../../src/codec/qr-text.js';
import { parseSdpSummary } from '../../src/codec/sdp.js';
import { encodeSdp } from '../../src/codec/sdp-compact.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import {
  CardExpiredError,
  InvalidArgumentError,
  InvalidSignatureError,
  MalformedInputError,
  QrMismatchError,
  UnsupportedVersionError,
} from '../../src/errors.js';
import {
  decodeQrPayload,
  encodeQrAnswer,
  encodeQrCard,
  encodeQrOffer,
  encodeQrPairingCard,
  type QrOffer,
} from '../../src/qr/payload.js';
import answerFixture from '../fixtures/sdp/chromium-ipv4-answer.json' with { type: 'json' };
import offerFixture from '../fixtures/sdp/chromium-ipv4-offer.json' with { type: 'json' };
import otherOfferFixture from '../fixtures/sdp/werift-offer.json' with { type: 'json' };
import cardVectors from '../vectors/card.json' with { type: 'json' };
import v from '../vectors/qr-payload.json' with { type: 'json' };

const offer = { type: 'offer' as const, sdp: offerFixture.sdp };
const answer = { type: 'answer' as const, sdp: answerFixture.sdp };
const secret = fromHex(v.inputs.secret) as Uint8Array;
const cardBytes = fromHex(cardVectors.doorbell.card) as Uint8Array;
const now = v.inputs.nowMs;
const bytesOf = (text: string) => fromQrText(text);
const textOf = (bytes: Uint8Array) => toQrText(bytes);
const withByte = (bytes: Uint8Array, i: number, value: number) => {
  const out = bytes.slice();
  out[i] = value;
  return out;
};

describe('QR payloads — golden vectors', () => {
  it('encodes the vectors byte for byte', () => {
    expect(encodeQrOffer(offer, { secret })).toBe(v.offerWithSecret.text);
    expect(encodeQrOffer(offer)).toBe(v.offer.text);
    expect(toHex(bytesOf(v.offerWithSecret.text))).toBe(v.offerWithSecret.bytes);
    const o = decodeQrPayload(v.offerWithSecret.text) as QrOffer;
    expect(encodeQrAnswer(answer, o)).toBe(v.answerToOfferWithSecret.text);
    expect(encodeQrAnswer(answer, decodeQrPayload(v.offer.text) as QrOffer)).toBe(v.answerToOffer.text);
    expect(encodeQrCard(cardBytes)).toBe(v.card.text);
    expect(encodeQrPairingCard(cardBytes, secret)).toBe(v.pairingCard.text);
  });

  it('decodes and verifies the vectors', () => {
    const o = decodeQrPayload(v.offerWithSecret.text);
    expect(o).toEqual({
      kind: 'offer',
      description: { type: 'offer', sdp: expect.any(String) },
      secret,
      bytes: fromHex(v.offerWithSecret.bytes),
    });
    // The SDP travels in the compact codec form, unchanged.
    expect(encodeSdp((o as QrOffer).description)).toEqual(encodeSdp(offer));
    expect(bytesOf(v.offerWithSecret.text).subarray(19)).toEqual(encodeSdp(offer));
    expect(decodeQrPayload(v.offer.text)).not.toHaveProperty('secret');
    const a = decodeQrPayload(v.answerToOfferWithSecret.text, { offer: o as QrOffer });
    expect(a.kind).toBe('answer');
    expect(encodeSdp((a as { description: typeof answer }).description)).toEqual(encodeSdp(answer));
    const c = decodeQrPayload(v.card.text, { now });
    expect(c).toEqual({ kind: 'card', card: openCard(cardBytes, { now }), bytes: bytesOf(v.card.text) });
    const pc = decodeQrPayload(v.pairingCard.text, { now });
    expect(pc.kind === 'pairing-card' && pc.secret).toEqual(secret);
    expect(pc.kind === 'pairing-card' && pc.card.id).toBe(cardVectors.doorbell.id);
  });

  it('tolerates what a paste adds: leading whitespace, trailing line breaks, lower case', () => {
    const pasted = `  \n${v.card.text.toLowerCase()}\r\n`;
    expect(decodeQrPayload(pasted, { now }).kind).toBe('card');
  });

  it('drops blanks a terminal adds at the end: base45 text never ends in a space', () => {
    // Exhaustive over every final group (1 and 2 bytes): the space would be a most significant digit.
    for (let a = 0; a < 256; a++) {
      expect(toQrText(Uint8Array.of(a)).endsWith(' ')).toBe(false);
      for (let b = 0; b < 256; b++) expect(toQrText(Uint8Array.of(a, b)).endsWith(' ')).toBe(false);
    }
    expect(decodeQrPayload(`${v.card.text}   \t `, { now }).kind).toBe('card');
  });
});

describe('QR payloads — hostile input', () => {
  const offerBytes = bytesOf(v.offer.text);
  const cases: [string, string, typeof MalformedInputError | typeof UnsupportedVersionError][] = [
    ['unknown version', textOf(withByte(offerBytes, 1, 2)), UnsupportedVersionError],
    ['version 0', textOf(withByte(offerBytes, 1, 0)), UnsupportedVersionError],
    ['another text version', `LR2:${v.offer.text.slice(4)}`, UnsupportedVersionError],
    ['unknown kind', textOf(withByte(offerBytes, 0, 9)), MalformedInputError],
    ['kind 0', textOf(withByte(offerBytes, 0, 0)), MalformedInputError],
    ['empty', textOf(new Uint8Array(0)), MalformedInputError],
    ['kind only', textOf(Uint8Array.of(1)), MalformedInputError],
    ['offer truncated', textOf(offerBytes.subarray(0, offerBytes.length - 1)), MalformedInputError],
    ['offer with a trailing byte', textOf(Uint8Array.of(...offerBytes, 0)), MalformedInputError],
    ['offer with unknown flag bits', textOf(withByte(offerBytes, 2, 0x02)), MalformedInputError],
    ['offer secret truncated', textOf(bytesOf(v.offerWithSecret.text).subarray(0, 10)), MalformedInputError],
    [
      'offer carrying an answer SDP',
      textOf(Uint8Array.of(1, 1, 0, ...encodeSdp(answer))),
      MalformedInputError,
    ],
    ['card truncated', textOf(bytesOf(v.card.text).subarray(0, 100)), MalformedInputError],
    ['card kind with nothing', textOf(Uint8Array.of(3, 1)), MalformedInputError],
    [
      'pairing card secret truncated',
      textOf(bytesOf(v.pairingCard.text).subarray(0, 12)),
      MalformedInputError,
    ],
    ['not base45', 'LR1:abc~', MalformedInputError],
    ['no marker', 'HELLO', MalformedInputError],
    ['oversized text', `LR1:${'0'.repeat(5000)}`, MalformedInputError],
  ];
  it.each(cases)('%s', (_name, text, error) => {
    expect(() => decodeQrPayload(text, { now })).toThrow(error);
  });

  it('QrMismatchError for an answer read against another offer (a swapped QR code)', () => {
    const mine = decodeQrPayload(encodeQrOffer(offer, { secret })) as QrOffer;
    const other = decodeQrPayload(encodeQrOffer({ type: 'offer', sdp: otherOfferFixture.sdp })) as QrOffer;
    const otherSecret = decodeQrPayload(
      encodeQrOffer(offer, { secret: new Uint8Array(16).fill(9) }),
    ) as QrOffer;
    const text = encodeQrAnswer(answer, mine);
    expect(decodeQrPayload(text, { offer: mine }).kind).toBe('answer');
    expect(() => decodeQrPayload(text, { offer: other })).toThrow(QrMismatchError);
    // Same SDP, another secret: still another offer.
    expect(() => decodeQrPayload(text, { offer: otherSecret })).toThrow(QrMismatchError);
  });

  it('QrMismatchError for a tampered tag or answer SDP; InvalidArgumentError without the offer', () => {
    const mine = decodeQrPayload(v.offerWithSecret.text) as QrOffer;
    const bytes = bytesOf(v.answerToOfferWithSecret.text);
    expect(() =>
      decodeQrPayload(textOf(withByte(bytes, 2, (bytes[2] as number) ^ 1)), { offer: mine }),
    ).toThrow(QrMismatchError);
    // A byte of the answer's fingerprint (fixed-size, so the SDP still decodes).
    const fp = parseSdpSummary(answer).fingerprint;
    const fpAt = toHex(bytes).indexOf(toHex(fp)) / 2 + 5;
    expect(fpAt).toBeGreaterThan(18);
    const tampered = withByte(bytes, fpAt, (bytes[fpAt] as number) ^ 0x80);
    expect(() => decodeQrPayload(textOf(tampered), { offer: mine })).toThrow(QrMismatchError);
    expect(() => decodeQrPayload(v.answerToOfferWithSecret.text)).toThrow(InvalidArgumentError);
  });

  it('CardExpiredError for an expired card, InvalidSignatureError for a tampered one', () => {
    expect(() => decodeQrPayload(v.card.text, { now: cardVectors.doorbell.expiresAt * 1000 })).toThrow(
      CardExpiredError,
    );
    expect(() => decodeQrPayload(v.pairingCard.text, { now: cardVectors.doorbell.expiresAt * 1000 })).toThrow(
      CardExpiredError,
    );
    const bytes = bytesOf(v.card.text);
    const nameAt = 2 + 1 + 32 + 1; // kind, version, card version, key, name length
    expect(() => decodeQrPayload(textOf(withByte(bytes, nameAt, 0x47)), { now })).toThrow(
      InvalidSignatureError,
    );
    const pairing = bytesOf(v.pairingCard.text);
    expect(() => decodeQrPayload(textOf(withByte(pairing, 16 + nameAt, 0x47)), { now })).toThrow(
      InvalidSignatureError,
    );
  });

  it('refuses bad arguments when encoding', () => {
    expect(() => encodeQrOffer(answer)).toThrow(InvalidArgumentError);
    expect(() => encodeQrOffer(offer, { secret: new Uint8Array(15) })).toThrow(InvalidArgumentError);
    expect(() => encodeQrAnswer(offer, decodeQrPayload(v.offer.text) as QrOffer)).toThrow(
      InvalidArgumentError,
    );
    expect(() => encodeQrCard(new Uint8Array(0))).toThrow(InvalidArgumentError);
    expect(() => encodeQrPairingCard(cardBytes, new Uint8Array(32))).toThrow(InvalidArgumentError);
  });
});
