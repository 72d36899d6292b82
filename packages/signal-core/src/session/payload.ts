/**
 * Payloads of the session envelopes (docs/PROTOCOL.md §"Signalling session"). Each starts with a
 * version byte and a form byte: descriptions and candidates travel in the compact codec form when it
 * can represent them, and as full text otherwise (media sections, exotic candidates), so nothing is
 * ever silently dropped.
 */
import { decodeCandidate, encodeCandidate, type IceCandidateInit } from '../codec/candidate-compact.js';
import type { SessionDescriptionInit } from '../codec/sdp.js';
import { decodeSdp, encodeSdp } from '../codec/sdp-compact.js';
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { LanrtcError, MalformedInputError, UnsupportedVersionError } from '../errors.js';

const PAYLOAD_VERSION = 1;
const FORM_COMPACT = 1;
const FORM_TEXT = 2;
/** Full SDP text is bounded: browsers' offers with many media sections stay far below it. */
const MAX_SDP_BYTES = 32 * 1024;
const MAX_CANDIDATE_BYTES = 1024;
const MAX_REASON_BYTES = 64;

function readHeader(r: ByteReader, what: string): number {
  const v = r.u8(`${what} version`);
  if (v !== PAYLOAD_VERSION) throw new UnsupportedVersionError(`${what} payload version ${v}`);
  const form = r.u8(`${what} form`);
  if (form !== FORM_COMPACT && form !== FORM_TEXT) throw new UnsupportedVersionError(`${what} form ${form}`);
  return form;
}

/** Compact form when the codec keeps the description whole, else the SDP text. */
function compactOrUndefined<T>(encode: () => T): T | undefined {
  try {
    return encode();
  } catch (error) {
    if (error instanceof LanrtcError && error.name === 'UnsupportedSdpError') return undefined;
    throw error;
  }
}

/** Encode an offer or answer payload; `compact: false` forces the text form (renegotiation). */
export function encodeDescription(
  description: SessionDescriptionInit,
  opts: { compact?: boolean } = {},
): Uint8Array {
  const w = new ByteWriter().u8(PAYLOAD_VERSION);
  const compact = opts.compact === false ? undefined : compactOrUndefined(() => encodeSdp(description));
  return compact
    ? w.u8(FORM_COMPACT).raw(compact).finish()
    : w.u8(FORM_TEXT).string(description.sdp).finish();
}

/** Decode an offer or answer payload; its type must be the (verified) envelope's type. */
export function decodeDescription(bytes: Uint8Array, type: 'offer' | 'answer'): SessionDescriptionInit {
  const r = new ByteReader(bytes);
  if (readHeader(r, 'description') === FORM_COMPACT) {
    const d = decodeSdp(r.raw('compact sdp', r.remaining));
    if (d.type !== type) throw new MalformedInputError(`description type ${d.type} in a ${type} envelope`);
    return d;
  }
  const sdp = r.string('sdp', MAX_SDP_BYTES);
  r.end('description payload');
  if (!sdp.startsWith('v=0')) throw new MalformedInputError('sdp does not start with v=0');
  return { type, sdp };
}

/** Encode a trickled candidate; `null` is end-of-candidates. */
export function encodeCandidatePayload(candidate: IceCandidateInit | null): Uint8Array {
  const init = candidate ?? { candidate: '' };
  const w = new ByteWriter().u8(PAYLOAD_VERSION);
  const compact = compactOrUndefined(() => encodeCandidate(init));
  if (compact) return w.u8(FORM_COMPACT).raw(compact).finish();
  return w
    .u8(FORM_TEXT)
    .string(init.candidate ?? '')
    .string(init.sdpMid ?? '')
    .varuint(init.sdpMLineIndex ?? 0)
    .finish();
}

/** Decode a trickled candidate payload; `null` is end-of-candidates. */
export function decodeCandidatePayload(bytes: Uint8Array): IceCandidateInit | null {
  const r = new ByteReader(bytes);
  let c: IceCandidateInit;
  if (readHeader(r, 'candidate') === FORM_COMPACT) {
    c = decodeCandidate(r.raw('compact candidate', r.remaining));
  } else {
    const candidate = r.string('candidate', MAX_CANDIDATE_BYTES);
    const sdpMid = r.string('sdpMid', 32);
    const sdpMLineIndex = r.varuint('sdpMLineIndex', 255);
    r.end('candidate payload');
    if (candidate !== '' && !candidate.startsWith('candidate:')) {
      throw new MalformedInputError('candidate does not start with candidate:');
    }
    c = { candidate, sdpMid, sdpMLineIndex };
  }
  return c.candidate ? c : null;
}

/** Why a session ended: a stable reason code (an error `name`, or `closed`) for the other side. */
export function encodeBye(reason: string): Uint8Array {
  return new ByteWriter()
    .u8(PAYLOAD_VERSION)
    .u8(FORM_TEXT)
    .string(reason.slice(0, MAX_REASON_BYTES))
    .finish();
}

/** Decode a bye payload to its reason code. */
export function decodeBye(bytes: Uint8Array): string {
  const r = new ByteReader(bytes);
  readHeader(r, 'bye');
  const reason = r.string('bye reason', MAX_REASON_BYTES);
  r.end('bye payload');
  return reason;
}
