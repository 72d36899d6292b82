/**
 * QR / copy-paste text for compact binary objects: `LR1:` followed by base45 (RFC 9285). Every character
 * is in the QR alphanumeric set (0-9 A-Z space $%*+-./:), so a QR encoder picks alphanumeric mode.
 * The `1` is the text-form version; the bytes carry their own format version.
 */
import { InvalidArgumentError, MalformedInputError, UnsupportedVersionError } from '../errors.js';
import { fromBase45, toBase45 } from './base45.js';

/** Text prefix of version 1 of the QR text form. */
export const QR_TEXT_PREFIX = 'LR1:';

/** Largest payload accepted from text (a QR code of version 40-L holds 4296 alphanumeric characters). */
const MAX_TEXT = 4296;

/**
 * Bytes → `LR1:` + base45, QR-alphanumeric characters only. Text longer than a QR code holds (and
 * than `fromQrText` accepts) is refused with `InvalidArgumentError`, never produced.
 */
export function toQrText(bytes: Uint8Array): string {
  const text = QR_TEXT_PREFIX + toBase45(bytes);
  if (text.length > MAX_TEXT) {
    throw new InvalidArgumentError(`${text.length} characters do not fit in a QR code (at most ${MAX_TEXT})`);
  }
  return text;
}

/** `LR1:` + base45 → bytes; a wrong marker or bad base45 is `MalformedInputError`, another version `UnsupportedVersionError`. */
export function fromQrText(text: string): Uint8Array {
  // Copy-paste often adds a line break at the end; base45 itself never contains CR or LF.
  const t = text.replace(/[\r\n]+$/, '');
  if (t.length > MAX_TEXT) throw new MalformedInputError('QR text too long');
  const m = /^LR([0-9A-Z]):/.exec(t);
  if (!m) throw new MalformedInputError('QR text does not start with the lanrtc marker');
  if (m[1] !== '1') throw new UnsupportedVersionError('unsupported QR text version');
  return fromBase45(t.slice(QR_TEXT_PREFIX.length));
}
