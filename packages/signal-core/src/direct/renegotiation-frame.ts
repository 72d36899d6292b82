/**
 * Wire framing of a signed renegotiation description on the auth channel of an authenticated direct
 * connection (docs/PROTOCOL.md §"Renegotiation over the auth channel"):
 *
 *   u8 version=1 ‖ u8 type=6 ‖ envelope (an `offer` or `answer`, docs/PROTOCOL.md §"Envelopes")
 *
 * Type 6 follows the handshake's types 1–5 on the same channel, so a description is never read as a
 * handshake message or the other way round. Decoding checks the frame and then opens the envelope:
 * what it returns is signed by the expected peer, for this connection, fresh and not replayed.
 */

import { concatBytes, equalBytes } from '../encoding/bytes.js';
import type { OpenedEnvelope } from '../envelope/envelope.js';
import { type OpenEnvelopeOptions, openEnvelope } from '../envelope/open.js';
import { MAX_ENVELOPE_PAYLOAD } from '../envelope/types.js';
import { MalformedInputError, UnexpectedSenderError, UnsupportedVersionError } from '../errors.js';

/** Version of the renegotiation frame this build writes and reads. */
export const DIRECT_RENEGOTIATION_VERSION = 1;
/** Frame type of a signed description (after the handshake's hello … reject, 1–5). */
export const DIRECT_DESCRIPTION_TYPE = 6;
/** Largest frame accepted: an envelope with a full payload and its fixed fields, plus the header. */
export const MAX_RENEGOTIATION_FRAME_BYTES = MAX_ENVELOPE_PAYLOAD + 256;

/** Frame a sealed `offer` or `answer` envelope for the auth channel. */
export function encodeRenegotiationFrame(envelope: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([DIRECT_RENEGOTIATION_VERSION, DIRECT_DESCRIPTION_TYPE]), envelope);
}

/**
 * Decode and verify one frame: `UnsupportedVersionError` for another frame version,
 * `MalformedInputError` for a bad header or size, then every check of `openEnvelope` (signature,
 * recipient, sender, type, age, replay) and `UnexpectedSenderError` for another connection's session.
 */
export function openRenegotiationFrame(
  bytes: Uint8Array,
  session: Uint8Array,
  opts: OpenEnvelopeOptions,
): OpenedEnvelope {
  if (bytes.length > MAX_RENEGOTIATION_FRAME_BYTES)
    throw new MalformedInputError('renegotiation frame too long');
  if (bytes.length < 2) throw new MalformedInputError('renegotiation frame too short');
  const version = bytes[0] as number;
  if (version !== DIRECT_RENEGOTIATION_VERSION)
    throw new UnsupportedVersionError(
      `renegotiation frame version ${version}; this build speaks version ${DIRECT_RENEGOTIATION_VERSION}`,
    );
  if (bytes[1] !== DIRECT_DESCRIPTION_TYPE)
    throw new MalformedInputError(`unexpected auth channel message type ${bytes[1]} after authentication`);
  const env = openEnvelope(bytes.subarray(2), { ...opts, expectedType: ['offer', 'answer'] });
  if (!equalBytes(env.session, session))
    throw new UnexpectedSenderError('renegotiation envelope belongs to another connection');
  return env;
}
