/**
 * Sealing: encode an envelope and sign it (docs/PROTOCOL.md §"Envelopes").
 *
 *   u8 version=1 ‖ u8 type ‖ raw[32] sender public key ‖ raw[16] recipient id ‖ raw[16] session ‖
 *   varuint counter ‖ varuint timestamp (ms) ‖ bytes payload (≤ 64 KiB) ‖ raw[64] signature
 *
 * The signature is Ed25519 under `lanrtc/envelope/<type>/v1` over every byte before it.
 */
import { ByteWriter } from '../encoding/writer.js';
import { InvalidArgumentError } from '../errors.js';
import { type Identity, signWithDomain } from '../identity/identity.js';
import { idBytesFromText } from './id-text.js';
import {
  ENVELOPE_TYPE_CODES,
  ENVELOPE_VERSION,
  type EnvelopeType,
  envelopeDomain,
  MAX_ENVELOPE_PAYLOAD,
} from './types.js';

/** Length of an envelope session id. */
export const SESSION_ID_BYTES = 16;

/** What `sealEnvelope` puts into an envelope. */
export interface EnvelopeInit {
  readonly type: EnvelopeType;
  /** Recipient's id text (26 base32 chars). */
  readonly recipient: string;
  /** 16-byte session id (random, chosen by the session's initiator). */
  readonly session: Uint8Array;
  /** Per-sender, per-session counter; the receiver's replay guard rejects repeats. */
  readonly counter: number;
  /** Milliseconds since the Unix epoch; defaults to `Date.now()`. */
  readonly timestamp?: number;
  readonly payload: Uint8Array;
}

/** Encode and sign an envelope from `sender`; throws `InvalidArgumentError` on a bad field. */
export function sealEnvelope(sender: Identity, init: EnvelopeInit): Uint8Array {
  const code = ENVELOPE_TYPE_CODES[init.type];
  if (code === undefined) throw new InvalidArgumentError('unknown envelope type');
  const recipient = idBytesFromText(init.recipient);
  if (!recipient) throw new InvalidArgumentError('recipient is not an identity id');
  if (init.session.length !== SESSION_ID_BYTES) throw new InvalidArgumentError('session id must be 16 bytes');
  if (!Number.isSafeInteger(init.counter) || init.counter < 0)
    throw new InvalidArgumentError('counter must be a non-negative safe integer');
  const timestamp = init.timestamp ?? Date.now();
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new InvalidArgumentError('timestamp must be a non-negative safe integer');
  if (init.payload.length > MAX_ENVELOPE_PAYLOAD) throw new InvalidArgumentError('payload exceeds 64 KiB');
  const body = new ByteWriter()
    .u8(ENVELOPE_VERSION)
    .u8(code)
    .raw(sender.publicKey)
    .raw(recipient)
    .raw(init.session)
    .varuint(init.counter)
    .varuint(timestamp)
    .bytes(init.payload)
    .finish();
  const signature = signWithDomain(sender, envelopeDomain(init.type), body);
  return new ByteWriter().raw(body).raw(signature).finish();
}
