/**
 * Compact form of one trickled candidate (the `candidate` envelope): W3C `RTCIceCandidateInit`
 * ↔ bytes. Layout in docs/PROTOCOL.md "Trickled candidate".
 *
 *   u8 version=1 · u8 flags · [sdpMid string] · [sdpMLineIndex varuint] · [ufrag] · [candidate body]
 */

import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { MalformedInputError, UnsupportedSdpError, UnsupportedVersionError } from '../errors.js';
import {
  checkCandidate,
  formatCandidate,
  parseCandidate,
  readCandidate,
  writeCandidate,
} from './candidate.js';
import { isIceString, readIceString, writeIceString } from './ice-string.js';
import { ICE_MAX, MID_RE, UFRAG_MIN } from './sdp.js';

/** Version byte of the compact candidate format. */
export const COMPACT_CANDIDATE_VERSION = 1;

/** The fields of W3C `RTCIceCandidateInit` (structurally compatible with it). */
export interface IceCandidateInit {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

const EOC = 0x01;
// bits 1-2: sdpMid — 0 "0", 1 absent, 2 string follows; bits 3-4: sdpMLineIndex — 0 zero, 1 absent, 2 varuint follows.
const UFRAG = 0x20;

/** `RTCIceCandidateInit` → bytes; an empty `candidate` is the end-of-candidates marker (W3C webrtc §4.8.1). */
export function encodeCandidate(init: IceCandidateInit): Uint8Array {
  const cand = init.candidate ?? '';
  const mid = init.sdpMid ?? undefined;
  const index = init.sdpMLineIndex ?? undefined;
  const ufrag = init.usernameFragment ?? undefined;
  const midCode = mid === '0' ? 0 : mid === undefined ? 1 : 2;
  const indexCode = index === 0 ? 0 : index === undefined ? 1 : 2;
  if (mid !== undefined && !MID_RE.test(mid)) throw new UnsupportedSdpError('bad sdpMid');
  if (index !== undefined && (!Number.isInteger(index) || index < 0 || index > 255))
    throw new UnsupportedSdpError('bad sdpMLineIndex');
  if (ufrag !== undefined && !isIceString(ufrag, UFRAG_MIN, ICE_MAX))
    throw new UnsupportedSdpError('bad usernameFragment');
  const parsed = cand === '' ? undefined : parseCandidate(cand);
  if (parsed) checkCandidate(parsed, ufrag);
  const w = new ByteWriter();
  w.u8(COMPACT_CANDIDATE_VERSION);
  w.u8((parsed ? 0 : EOC) | (midCode << 1) | (indexCode << 3) | (ufrag !== undefined ? UFRAG : 0));
  if (midCode === 2) w.string(mid as string);
  if (indexCode === 2) w.varuint(index as number);
  if (ufrag !== undefined) writeIceString(w, ufrag);
  if (parsed) writeCandidate(w, parsed);
  return w.finish();
}

/** Bytes → `RTCIceCandidateInit` (foundation regenerated); `MalformedInputError` / `UnsupportedVersionError`. */
export function decodeCandidate(bytes: Uint8Array): IceCandidateInit {
  const r = new ByteReader(bytes);
  const version = r.u8('version');
  if (version !== COMPACT_CANDIDATE_VERSION)
    throw new UnsupportedVersionError(`compact candidate version ${version}`);
  const flags = r.u8('flags');
  const midCode = (flags >> 1) & 3;
  const indexCode = (flags >> 3) & 3;
  if (flags & 0xc0 || midCode === 3 || indexCode === 3) throw new MalformedInputError('bad candidate flags');
  const out: IceCandidateInit = {};
  if (midCode === 0) out.sdpMid = '0';
  else if (midCode === 2) {
    const mid = r.string('sdpMid', 32);
    if (!MID_RE.test(mid) || mid === '0') throw new MalformedInputError('bad sdpMid');
    out.sdpMid = mid;
  }
  if (indexCode === 0) out.sdpMLineIndex = 0;
  else if (indexCode === 2) {
    const index = r.varuint('sdpMLineIndex', 255);
    if (index === 0) throw new MalformedInputError('non-canonical sdpMLineIndex');
    out.sdpMLineIndex = index;
  }
  const ufrag = flags & UFRAG ? readIceString(r, 'usernameFragment', UFRAG_MIN, ICE_MAX) : undefined;
  if (ufrag !== undefined) out.usernameFragment = ufrag;
  out.candidate = flags & EOC ? '' : formatCandidate(readCandidate(r, ufrag));
  r.end('compact candidate');
  return out;
}
