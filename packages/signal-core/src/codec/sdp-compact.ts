/**
 * Compact binary form of a DataChannel offer/answer (docs/PROTOCOL.md "Compact SDP codec"): a Chromium
 * offer with two IPv4 host candidates is well under 100 bytes, with its real ICE credentials.
 *
 *   u8 version=1 · u8 profile=0 (DataChannel) · u8 flags · ufrag · pwd · raw[32] fingerprint ·
 *   varuint n · n × candidate · [extras]
 *
 * The profile byte leaves room for an audio/video profile with its own layout after the flags.
 * Decoding verifies: every field is bounds-checked, non-canonical encodings are rejected (so one
 * description has exactly one encoding) and trailing bytes are an error.
 */

import { FINGERPRINT_BYTES } from '../encoding/fingerprint.js';
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { MalformedInputError, UnsupportedSdpError, UnsupportedVersionError } from '../errors.js';
import { checkCandidate, MAX_CANDIDATES, readCandidate, writeCandidate } from './candidate.js';
import { readIceString, writeIceString } from './ice-string.js';
import {
  type DtlsSetup,
  formatSdp,
  ICE_MAX,
  MID_RE,
  PWD_MIN,
  parseSdpSummary,
  type SdpSummary,
  type SessionDescriptionInit,
  UFRAG_MIN,
} from './sdp.js';

/** Version byte of the compact SDP format. */
export const COMPACT_SDP_VERSION = 1;
/** Profile 0: one `m=application UDP/DTLS/SCTP webrtc-datachannel` section, BUNDLEd. */
export const PROFILE_DATACHANNEL = 0;

const SETUPS: readonly DtlsSetup[] = ['actpass', 'active', 'passive'];
// Values Chromium writes; extras carry anything else (RFC 8841 §5 default port 5000).
const DEFAULT_SCTP_PORT = 5000;
const DEFAULT_MAX_MESSAGE_SIZE = 262144;
const DEFAULT_MID = '0';

// Extra tags, strictly increasing on the wire.
const X_SCTP_PORT = 1;
const X_MAX_MESSAGE_SIZE = 2;
const X_MID = 3;
const X_ICE_OPTIONS = 4;
const X_OMIT = 5;
const OMIT_SCTP_PORT = 1;
const OMIT_MAX_MESSAGE_SIZE = 2;
const OMIT_BUNDLE = 4;

/** Summary → compact bytes (validates first: candidate ufrags must match). */
export function encodeSdpSummary(s: SdpSummary): Uint8Array {
  const trickleOnly = s.iceOptions.length === 1 && s.iceOptions[0] === 'trickle';
  const extras: [number, (w: ByteWriter) => void][] = [];
  if (s.sctpPort !== undefined && s.sctpPort !== DEFAULT_SCTP_PORT)
    extras.push([X_SCTP_PORT, (w) => w.varuint(s.sctpPort as number)]);
  if (s.maxMessageSize !== undefined && s.maxMessageSize !== DEFAULT_MAX_MESSAGE_SIZE)
    extras.push([X_MAX_MESSAGE_SIZE, (w) => w.varuint(s.maxMessageSize as number)]);
  if (s.mid !== DEFAULT_MID) extras.push([X_MID, (w) => w.string(s.mid)]);
  if (s.iceOptions.length > 0 && !trickleOnly)
    extras.push([X_ICE_OPTIONS, (w) => w.string(s.iceOptions.join(' '))]);
  const omit =
    (s.sctpPort === undefined ? OMIT_SCTP_PORT : 0) |
    (s.maxMessageSize === undefined ? OMIT_MAX_MESSAGE_SIZE : 0) |
    (s.bundle ? 0 : OMIT_BUNDLE);
  if (omit !== 0) extras.push([X_OMIT, (w) => w.varuint(omit)]);
  for (const c of s.candidates) checkCandidate(c, s.iceUfrag);
  if (s.candidates.length > MAX_CANDIDATES) throw new UnsupportedSdpError('too many candidates');

  const w = new ByteWriter();
  w.u8(COMPACT_SDP_VERSION).u8(PROFILE_DATACHANNEL);
  w.u8(
    (s.type === 'answer' ? 0x01 : 0) |
      (SETUPS.indexOf(s.setup) << 1) |
      (trickleOnly ? 0x08 : 0) |
      (s.endOfCandidates ? 0x10 : 0) |
      (s.iceLite ? 0x20 : 0) |
      (extras.length > 0 ? 0x40 : 0),
  );
  writeIceString(w, s.iceUfrag);
  writeIceString(w, s.icePwd);
  if (s.fingerprint.length !== FINGERPRINT_BYTES)
    throw new UnsupportedSdpError('fingerprint is not 32 bytes');
  w.raw(s.fingerprint);
  w.varuint(s.candidates.length);
  for (const c of s.candidates) writeCandidate(w, c);
  if (extras.length > 0) {
    w.varuint(extras.length);
    for (const [tag, write] of extras) {
      w.u8(tag);
      write(w);
    }
  }
  return w.finish();
}

/** Compact bytes → summary; `MalformedInputError` / `UnsupportedVersionError` on anything off. */
export function decodeSdpSummary(bytes: Uint8Array): SdpSummary {
  const r = new ByteReader(bytes);
  const version = r.u8('version');
  if (version !== COMPACT_SDP_VERSION) throw new UnsupportedVersionError(`compact SDP version ${version}`);
  const profile = r.u8('profile');
  if (profile !== PROFILE_DATACHANNEL) throw new UnsupportedVersionError(`compact SDP profile ${profile}`);
  const flags = r.u8('flags');
  if (flags & 0x80) throw new MalformedInputError('reserved flag bit set');
  const setup = SETUPS[(flags >> 1) & 3];
  if (setup === undefined) throw new MalformedInputError('bad setup role');
  const iceUfrag = readIceString(r, 'ice-ufrag', UFRAG_MIN, ICE_MAX);
  const icePwd = readIceString(r, 'ice-pwd', PWD_MIN, ICE_MAX);
  const fingerprint = r.raw('fingerprint', FINGERPRINT_BYTES);
  const n = r.varuint('candidate count', MAX_CANDIDATES);
  const candidates = [];
  for (let i = 0; i < n; i++) candidates.push(readCandidate(r, iceUfrag));
  const s: SdpSummary = {
    type: flags & 0x01 ? 'answer' : 'offer',
    iceUfrag,
    icePwd,
    fingerprint,
    setup,
    iceLite: (flags & 0x20) !== 0,
    iceOptions: flags & 0x08 ? ['trickle'] : [],
    mid: DEFAULT_MID,
    bundle: true,
    sctpPort: DEFAULT_SCTP_PORT,
    maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE,
    candidates,
    endOfCandidates: (flags & 0x10) !== 0,
  };
  if (flags & 0x40) readExtras(r, s, (flags & 0x08) !== 0);
  r.end('compact SDP');
  return s;
}

function readExtras(r: ByteReader, s: SdpSummary, trickleFlag: boolean): void {
  const count = r.varuint('extras count', 5);
  if (count === 0) throw new MalformedInputError('extras flag with no extras');
  let last = 0;
  for (let i = 0; i < count; i++) {
    const tag = r.u8('extra tag');
    if (tag <= last) throw new MalformedInputError('extras out of order');
    last = tag;
    if (tag === X_SCTP_PORT) {
      s.sctpPort = r.varuint('sctp-port', 65535);
      if (s.sctpPort === DEFAULT_SCTP_PORT) throw new MalformedInputError('non-canonical sctp-port');
    } else if (tag === X_MAX_MESSAGE_SIZE) {
      s.maxMessageSize = r.varuint('max-message-size');
      if (s.maxMessageSize === DEFAULT_MAX_MESSAGE_SIZE)
        throw new MalformedInputError('non-canonical max-message-size');
    } else if (tag === X_MID) {
      s.mid = r.string('mid', 32);
      if (!MID_RE.test(s.mid) || s.mid === DEFAULT_MID) throw new MalformedInputError('bad mid');
    } else if (tag === X_ICE_OPTIONS) {
      const text = r.string('ice-options', 128);
      s.iceOptions = text.split(' ');
      if (trickleFlag || text === 'trickle' || s.iceOptions.some((o) => !/^[A-Za-z0-9+/\-_.]{1,32}$/.test(o)))
        throw new MalformedInputError('bad ice-options');
    } else if (tag === X_OMIT) {
      const omit = r.varuint('omissions', 7);
      if (omit === 0) throw new MalformedInputError('non-canonical omissions');
      if (omit & OMIT_SCTP_PORT) {
        if (s.sctpPort !== DEFAULT_SCTP_PORT)
          throw new MalformedInputError('sctp-port both given and omitted');
        s.sctpPort = undefined;
      }
      if (omit & OMIT_MAX_MESSAGE_SIZE) {
        if (s.maxMessageSize !== DEFAULT_MAX_MESSAGE_SIZE)
          throw new MalformedInputError('max-message-size both given and omitted');
        s.maxMessageSize = undefined;
      }
      if (omit & OMIT_BUNDLE) s.bundle = false;
    } else {
      throw new MalformedInputError('unknown extra tag');
    }
  }
}

/** `RTCSessionDescriptionInit` (offer/answer, DataChannel only) → compact bytes; `UnsupportedSdpError` if it cannot be kept whole. */
export function encodeSdp(desc: { type: string; sdp?: string | undefined }): Uint8Array {
  return encodeSdpSummary(parseSdpSummary(desc));
}

/** Compact bytes → `{ type, sdp }` that Chromium and werift accept as a remote description. */
export function decodeSdp(bytes: Uint8Array): SessionDescriptionInit {
  return formatSdp(decodeSdpSummary(bytes));
}
