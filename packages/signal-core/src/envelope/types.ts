/**
 * Envelope types, their one-byte wire codes and signing domains (docs/PROTOCOL.md §"Envelopes").
 * Each type signs under its own domain string, so a signed `answer` can never be replayed as an
 * `offer` or a `pairing` step even if every other byte matched.
 */
import type { PublicIdentity } from '../identity/identity.js';

/** What an envelope carries; the session layer dispatches on it. */
export type EnvelopeType = 'offer' | 'answer' | 'candidate' | 'pairing' | 'bye' | 'auth' | 'app';

/** Envelope wire format version this build writes and reads. */
export const ENVELOPE_VERSION = 1;

/** Largest payload an envelope may carry (64 KiB): bounds memory per message. */
export const MAX_ENVELOPE_PAYLOAD = 64 * 1024;

/** Wire codes, fixed forever for version 1 (0 is reserved so an all-zero byte never decodes). */
export const ENVELOPE_TYPE_CODES: Readonly<Record<EnvelopeType, number>> = {
  offer: 1,
  answer: 2,
  candidate: 3,
  pairing: 4,
  bye: 5,
  auth: 6,
  app: 7,
};

const TYPES_BY_CODE = new Map<number, EnvelopeType>(
  Object.entries(ENVELOPE_TYPE_CODES).map(([type, code]) => [code, type as EnvelopeType]),
);

/** The envelope type for a wire code, or undefined when the code is unknown. */
export function envelopeTypeFromCode(code: number): EnvelopeType | undefined {
  return TYPES_BY_CODE.get(code);
}

/** The signing domain of an envelope type: `lanrtc/envelope/<type>/v1`. */
export function envelopeDomain(type: EnvelopeType): string {
  return `lanrtc/envelope/${type}/v1`;
}

/** A verified, decoded envelope: the only form in which envelope content leaves `openEnvelope`. */
export interface OpenedEnvelope {
  readonly version: number;
  readonly type: EnvelopeType;
  /** The signer, already verified: the signature checked against this key. */
  readonly sender: PublicIdentity;
  /** Recipient id text (equal to the `recipient` the caller passed to `openEnvelope`). */
  readonly recipient: string;
  /** 16-byte session id chosen by the session's initiator. */
  readonly session: Uint8Array;
  readonly counter: number;
  /** Sender's clock, milliseconds since the Unix epoch. */
  readonly timestamp: number;
  readonly payload: Uint8Array;
}
