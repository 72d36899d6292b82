/**
 * Every error signal-core throws. Callers branch on `err.name` (stable across versions and bundles),
 * never on the message. Messages never contain a PIN, key, token or raw envelope.
 */

/** Base class of all lanrtc errors; `name` is the class's stable identifier. */
export class LanrtcError extends Error {
  static readonly code: string = 'LanrtcError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = (new.target as typeof LanrtcError).code;
  }
}

/** Bytes or text that do not decode: truncated, oversized, bad varint, wrong type, trailing data. */
export class MalformedInputError extends LanrtcError {
  static override readonly code = 'MalformedInputError';
}

/** A wire format whose version this build does not speak. */
export class UnsupportedVersionError extends LanrtcError {
  static override readonly code = 'UnsupportedVersionError';
}

/** A signature that does not verify against the claimed signer's key. */
export class InvalidSignatureError extends LanrtcError {
  static override readonly code = 'InvalidSignatureError';
}

/** A key that is not a valid point / scalar for its algorithm. */
export class InvalidKeyError extends LanrtcError {
  static override readonly code = 'InvalidKeyError';
}

/** An argument from the caller that the API cannot accept (wrong length, out of range). */
export class InvalidArgumentError extends LanrtcError {
  static override readonly code = 'InvalidArgumentError';
}
