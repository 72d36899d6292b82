/**
 * QR payloads (docs/PROTOCOL.md §"QR payloads"): what a QR code or a pasted text carries for QR
 * signalling and direct connect — an offer (optionally with a pairing secret), an answer bound to
 * its offer, a card, or a card with a one-time pairing secret. Bytes are `u8 kind ‖ u8 version ‖ body`
 * in the `LR1:` base45 text form. Decoding is verifying: version, kind, card signature and expiry,
 * and the answer's binding to the offer are all checked before anything is returned.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { openCard } from '../card/open.js';
import type { Card } from '../card/types.js';
import { MAX_CARD_BYTES } from '../card/types.js';
import { fromQrText, toQrText } from '../codec/qr-text.js';
import type { SessionDescriptionInit } from '../codec/sdp.js';
import { decodeSdp, encodeSdp } from '../codec/sdp-compact.js';
import { equalBytes, utf8 } from '../encoding/bytes.js';
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import {
  InvalidArgumentError,
  MalformedInputError,
  QrMismatchError,
  UnsupportedVersionError,
} from '../errors.js';

/** Version of the QR payload layout. */
export const QR_PAYLOAD_VERSION = 1;
/** Length of the pairing secret an offer or a pairing card carries. */
export const QR_SECRET_BYTES = 16;
/** Length of the answer's binding tag (truncated HMAC-SHA-256). */
export const QR_ANSWER_TAG_BYTES = 16;
/** MAC domain of the answer's binding to its offer. */
export const QR_ANSWER_DOMAIN = 'lanrtc/qr/answer/v1';

/** Kind codes (first byte). */
export const QrKind = { offer: 1, answer: 2, card: 3, 'pairing-card': 4 } as const;
const OFFER_FLAG_SECRET = 0x01;

/** A decoded, verified QR payload; `bytes` is the whole binary payload (the answer binds to it). */
export type QrPayload =
  | { kind: 'offer'; description: SessionDescriptionInit; secret?: Uint8Array; bytes: Uint8Array }
  | { kind: 'answer'; description: SessionDescriptionInit; bytes: Uint8Array }
  | { kind: 'card'; card: Card; bytes: Uint8Array }
  | { kind: 'pairing-card'; card: Card; secret: Uint8Array; bytes: Uint8Array };

/** A decoded offer, as `encodeQrAnswer` and `decodeQrPayload({ offer })` take it. */
export type QrOffer = QrPayload & { kind: 'offer' };

function header(kind: number): ByteWriter {
  return new ByteWriter().u8(kind).u8(QR_PAYLOAD_VERSION);
}

function checkSecret(secret: Uint8Array): void {
  if (secret.length !== QR_SECRET_BYTES)
    throw new InvalidArgumentError(`QR pairing secret must be ${QR_SECRET_BYTES} bytes`);
}

function checkCard(cardBytes: Uint8Array): void {
  if (cardBytes.length < 1 || cardBytes.length > MAX_CARD_BYTES)
    throw new InvalidArgumentError('card bytes length out of range');
}

/** Compact SDP of a description of the given type; other types are `InvalidArgumentError`. */
function compact(description: SessionDescriptionInit, type: 'offer' | 'answer'): Uint8Array {
  if (description.type !== type) throw new InvalidArgumentError(`description is not an ${type}`);
  return encodeSdp(description);
}

/** HMAC-SHA-256(key, domain ‖ 0x00 ‖ varuint len(offer) ‖ offer bytes ‖ answer SDP bytes)[0..16]. */
function answerTag(offer: QrOffer, answerSdp: Uint8Array): Uint8Array {
  const key = offer.secret ?? sha256(offer.bytes);
  const message = new ByteWriter()
    .raw(utf8(QR_ANSWER_DOMAIN))
    .u8(0)
    .bytes(offer.bytes)
    .raw(answerSdp)
    .finish();
  return hmac(sha256, key, message).slice(0, QR_ANSWER_TAG_BYTES);
}

/** Offer text for a QR code; with `secret` (16 bytes) the two sides pair in-band with no PIN typed. */
export function encodeQrOffer(
  description: SessionDescriptionInit,
  opts: { secret?: Uint8Array } = {},
): string {
  const sdp = compact(description, 'offer');
  const w = header(QrKind.offer).u8(opts.secret ? OFFER_FLAG_SECRET : 0);
  if (opts.secret) {
    checkSecret(opts.secret);
    w.raw(opts.secret);
  }
  return toQrText(w.raw(sdp).finish());
}

/** Answer text bound to `offer` (the decoded offer it answers), so a swapped QR code is detected. */
export function encodeQrAnswer(description: SessionDescriptionInit, offer: QrOffer): string {
  const sdp = compact(description, 'answer');
  return toQrText(header(QrKind.answer).raw(answerTag(offer, sdp)).raw(sdp).finish());
}

/** Card text for a QR code (the card bytes as `createCard` made them). */
export function encodeQrCard(cardBytes: Uint8Array): string {
  checkCard(cardBytes);
  return toQrText(header(QrKind.card).raw(cardBytes).finish());
}

/** Card plus a one-time pairing secret (16 bytes): scanning it pairs without typing a PIN. */
export function encodeQrPairingCard(cardBytes: Uint8Array, secret: Uint8Array): string {
  checkCard(cardBytes);
  checkSecret(secret);
  return toQrText(header(QrKind['pairing-card']).raw(secret).raw(cardBytes).finish());
}

function description(sdpBytes: Uint8Array, type: 'offer' | 'answer'): SessionDescriptionInit {
  const d = decodeSdp(sdpBytes);
  if (d.type !== type) throw new MalformedInputError(`QR ${type} carries an SDP of type ${d.type}`);
  return d;
}

/** Scanned or pasted text up to the base45 decoder: surrounding whitespace goes, letters are upper-cased. */
function normalise(text: string): string {
  // Base45 has no lower-case letters and the text starts with `LR1:`. Base45 text never ends in a
  // space either (RFC 9285 §4: the last character of a group is its most significant digit, and a
  // space, 36, would make it ≥ 36·45² > 65535, or 36·45 > 255 for a final 2-character group), so
  // trailing blanks a terminal or a paste adds are never payload. No step can change a valid text.
  return text.trim().toUpperCase();
}

/**
 * Decode and verify a QR payload text: text form, payload version (`UnsupportedVersionError`), kind
 * and layout (`MalformedInputError`), card signature and expiry (`InvalidSignatureError`,
 * `CardExpiredError`, at `now` ms), and for an answer its binding to `offer` (`QrMismatchError`;
 * an answer without `offer` is `InvalidArgumentError`).
 */
export function decodeQrPayload(text: string, opts: { now?: number; offer?: QrOffer } = {}): QrPayload {
  const bytes = fromQrText(normalise(text));
  const r = new ByteReader(bytes);
  const kind = r.u8('QR payload kind');
  const version = r.u8('QR payload version');
  if (version !== QR_PAYLOAD_VERSION) throw new UnsupportedVersionError(`QR payload version ${version}`);
  const rest = () => r.raw('QR payload body', r.remaining);
  const cardOpts = opts.now !== undefined ? { now: opts.now } : {};
  switch (kind) {
    case QrKind.offer: {
      const flags = r.u8('QR offer flags');
      if ((flags & ~OFFER_FLAG_SECRET) !== 0) throw new MalformedInputError('QR offer has unknown flag bits');
      const secret = flags & OFFER_FLAG_SECRET ? r.raw('QR offer secret', QR_SECRET_BYTES) : undefined;
      const d = description(rest(), 'offer');
      return secret
        ? { kind: 'offer', description: d, secret, bytes }
        : { kind: 'offer', description: d, bytes };
    }
    case QrKind.answer: {
      const tag = r.raw('QR answer tag', QR_ANSWER_TAG_BYTES);
      const sdp = rest();
      const d = description(sdp, 'answer');
      if (!opts.offer)
        throw new InvalidArgumentError('a QR answer is verified against its offer: pass `offer`');
      if (!equalBytes(tag, answerTag(opts.offer, sdp)))
        throw new QrMismatchError('this answer was not made for this offer');
      return { kind: 'answer', description: d, bytes };
    }
    case QrKind.card:
      return { kind: 'card', card: openCard(rest(), cardOpts), bytes };
    case QrKind['pairing-card']: {
      const secret = r.raw('QR pairing-card secret', QR_SECRET_BYTES);
      return { kind: 'pairing-card', card: openCard(rest(), cardOpts), secret, bytes };
    }
    default:
      throw new MalformedInputError(`unknown QR payload kind ${kind}`);
  }
}

/** A verified card from a card or pairing-card QR text, with the pairing secret if it carried one. */
export function cardFromQrText(text: string, now?: number): { card: Card; secret: Uint8Array | undefined } {
  const payload = decodeQrPayload(text, now === undefined ? {} : { now });
  if (payload.kind === 'card') return { card: payload.card, secret: undefined };
  if (payload.kind === 'pairing-card') return { card: payload.card, secret: payload.secret };
  throw new MalformedInputError(`expected a card QR code, got ${payload.kind}`);
}
