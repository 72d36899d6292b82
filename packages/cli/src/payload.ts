/**
 * The text the CLI prints inside a QR code and reads back from a paste: signal-core's QR payloads
 * (`LR1:` + base45, QR alphanumeric mode). Decoding is verifying: what comes out is a card whose
 * signature and expiry were checked (or an offer), else a typed error.
 */
import {
  type Card,
  cardFromText,
  decodeQrPayload,
  encodeQrCard,
  LanrtcError,
  type QrOffer,
} from '@lanrtc/signal-core';
import { fromQrText, QR_TEXT_PREFIX, QrKind, type SessionDescriptionInit } from '@lanrtc/signal-core/codec';
import { UnrecognisedPasteError } from './errors.js';

/** A decoded, verified paste. */
export type PastedPayload =
  | { readonly kind: 'card'; readonly card: Card }
  | { readonly kind: 'pairing-card'; readonly card: Card; readonly secret: Uint8Array }
  | {
      readonly kind: 'offer';
      readonly description: SessionDescriptionInit;
      readonly secret?: Uint8Array;
      /** The verified offer with its exact bytes: an answer is bound to them. */
      readonly offer: QrOffer;
    };

/** The QR/paste text of a signed card (`LR1:…`). */
export function cardPayloadText(cardBytes: Uint8Array): string {
  return encodeQrCard(cardBytes);
}

/** Where a QR text starts in a pasted line (e.g. after "card: "), in any letter case. */
const QR_TEXT_START = new RegExp(QR_TEXT_PREFIX, 'i');

/** A QR answer is read by the page that made the offer; refuse it in words for a person. */
function refuseAnswer(qrText: string): void {
  let kind: number | undefined;
  try {
    kind = fromQrText(qrText.trim().toUpperCase())[0];
  } catch (error) {
    // Not a QR text at all: decodeQrPayload reports it with its own typed error.
    if (error instanceof LanrtcError) return;
    throw error;
  }
  if (kind === QrKind.answer)
    throw new UnrecognisedPasteError(
      'this is an answer: it is read by the page that made the offer, not by lanrtc paste',
    );
}

function decodeLine(line: string, now: number): PastedPayload {
  // Scanners and pastes may lower-case the text; base45 has upper case only, so this is lossless.
  // The match is on the line itself: upper-casing first can change its length ("ß" → "SS").
  const at = QR_TEXT_START.exec(line)?.index;
  if (at === undefined) return { kind: 'card', card: cardFromText(line.trim(), { now }) };
  // From the prefix on (e.g. after "card: "); decodeQrPayload drops blanks a paste added at the end
  // (base45 text never ends in a space).
  const qrText = line.slice(at);
  refuseAnswer(qrText);
  const payload = decodeQrPayload(qrText, { now });
  switch (payload.kind) {
    case 'card':
      return { kind: 'card', card: payload.card };
    case 'pairing-card':
      return { kind: 'pairing-card', card: payload.card, secret: payload.secret };
    case 'offer':
      return payload.secret
        ? { kind: 'offer', description: payload.description, secret: payload.secret, offer: payload }
        : { kind: 'offer', description: payload.description, offer: payload };
    default:
      // refuseAnswer caught the answer, the only other kind; decodeQrPayload throws for unknown kinds.
      throw new UnrecognisedPasteError(`a QR ${payload.kind} is not something to paste here`);
  }
}

/**
 * Decode pasted text: each non-empty line is tried (from `LR1:` on, so `card: LR1:…` works; a card
 * printed with its QR code and fields can be pasted whole). When several lines decode, a pairing
 * card wins (the whole `lanrtc listen --pair` output has the plain card first: pairing needs the
 * secret), else the first that decodes. When none does, the error of the only line (or the only
 * `LR1:` line) is kept (e.g. `InvalidSignatureError`); otherwise `UnrecognisedPasteError`.
 */
export function decodePasted(text: string, now: number = Date.now()): PastedPayload {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const decoded: PastedPayload[] = [];
  const failed: { line: string; error: LanrtcError }[] = [];
  for (const line of lines) {
    try {
      decoded.push(decodeLine(line, now));
    } catch (error) {
      if (!(error instanceof LanrtcError)) throw error;
      failed.push({ line, error });
    }
  }
  const chosen = decoded.find((p) => p.kind === 'pairing-card') ?? decoded[0];
  if (chosen) return chosen;
  const qrLines = failed.filter((f) => QR_TEXT_START.test(f.line));
  const only = failed.length === 1 ? failed[0] : qrLines.length === 1 ? qrLines[0] : undefined;
  if (only) throw only.error;
  throw new UnrecognisedPasteError('no line of the pasted text is a lanrtc card or QR payload', {
    cause: (qrLines[0] ?? failed[0])?.error,
  });
}
