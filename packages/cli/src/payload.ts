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
  QR_TEXT_PREFIX,
  type QrOffer,
  type SessionDescriptionInit,
} from '@lanrtc/signal-core';
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

function decodeLine(line: string, now: number): PastedPayload {
  // Scanners and pastes may lower-case the text; base45 has upper case only, so this is lossless.
  const at = line.toUpperCase().indexOf(QR_TEXT_PREFIX);
  if (at < 0) return { kind: 'card', card: cardFromText(line.trim(), { now }) };
  // From the prefix on (e.g. after "card: "); decodeQrPayload drops blanks a paste added at the end
  // (base45 text never ends in a space).
  const payload = decodeQrPayload(line.slice(at), { now });
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
      // decodeQrPayload refuses an answer without its offer; nothing else reaches here.
      throw new UnrecognisedPasteError(`a QR ${payload.kind} is not something to paste here`);
  }
}

/**
 * Decode pasted text: each non-empty line is tried (from `LR1:` on, so `card: LR1:…` works) (a card printed with its QR code and fields can be
 * pasted whole), the first that decodes wins. A single line that fails keeps its own error (e.g.
 * `InvalidSignatureError`); otherwise `UnrecognisedPasteError`.
 */
export function decodePasted(text: string, now: number = Date.now()): PastedPayload {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  let first: unknown;
  for (const line of lines) {
    try {
      return decodeLine(line, now);
    } catch (error) {
      if (!(error instanceof LanrtcError)) throw error;
      first ??= error;
    }
  }
  if (first instanceof LanrtcError && lines.length === 1) throw first;
  throw new UnrecognisedPasteError('no line of the pasted text is a lanrtc card or QR payload', {
    cause: first,
  });
}
