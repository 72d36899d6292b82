/**
 * The SDP side of the compact codec: `parseSdpSummary` reads exactly the fields a DataChannel session
 * needs from an offer/answer (JSEP, RFC 8829) and refuses, with `UnsupportedSdpError`, anything it
 * would otherwise lose; `formatSdp` writes a minimal JSEP-shaped SDP back (RFC 8866 line order).
 */

import { formatSdpFingerprint, parseSdpFingerprint } from '../encoding/fingerprint.js';
import { MalformedInputError, UnsupportedSdpError } from '../errors.js';
import { type CandidateSummary, formatCandidate, MAX_CANDIDATES, parseCandidate } from './candidate.js';
import { isIceString } from './ice-string.js';

/** DTLS role (RFC 8842 §5; `holdconn` is not used by WebRTC). */
export type DtlsSetup = 'actpass' | 'active' | 'passive';

/** What the codec keeps of a DataChannel offer or answer. */
export interface SdpSummary {
  type: 'offer' | 'answer';
  iceUfrag: string;
  icePwd: string;
  /** Raw SHA-256 DTLS certificate fingerprint (RFC 8122). */
  fingerprint: Uint8Array;
  setup: DtlsSetup;
  iceLite: boolean;
  /** `a=ice-options` tokens (RFC 8839 §5.6), e.g. `['trickle']`. */
  iceOptions: string[];
  mid: string;
  /** `a=group:BUNDLE <mid>` present (RFC 9143). */
  bundle: boolean;
  /** `a=sctp-port` (RFC 8841 §5); undefined when absent. */
  sctpPort: number | undefined;
  /** `a=max-message-size` (RFC 8841 §6); undefined when absent. */
  maxMessageSize: number | undefined;
  candidates: CandidateSummary[];
  /** `a=end-of-candidates` (RFC 8840 §8.2). */
  endOfCandidates: boolean;
}

/** A description as W3C `RTCSessionDescriptionInit` carries it, narrowed to what the codec handles. */
export interface SessionDescriptionInit {
  type: 'offer' | 'answer';
  sdp: string;
}

// Lengths from RFC 8839 §5.4.
/** ice-ufrag length bounds. */
export const UFRAG_MIN = 4;
/** ice-ufrag / ice-pwd upper bound. */
export const ICE_MAX = 256;
/** ice-pwd lower bound. */
export const PWD_MIN = 22;
/** mid: an RFC 5888 token, kept short. */
export const MID_RE = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]{1,32}$/;
const MAX_SDP = 64 * 1024;

// Attributes that carry nothing for a DataChannel-only session (JSEP §5.2.1 writes them for media).
const IGNORED_SESSION = new Set(['extmap-allow-mixed', 'msid-semantic', 'sendrecv']);
const IGNORED_MEDIA = new Set(['sendrecv']);

function uint(v: string | undefined, max: number, what: string): number {
  if (v === undefined || !/^\d{1,16}$/.test(v)) throw new UnsupportedSdpError(`bad ${what}`);
  const n = Number(v);
  if (n > max) throw new UnsupportedSdpError(`${what} out of range`);
  return n;
}

/** Parse an offer/answer into an `SdpSummary`; throws `UnsupportedSdpError` for anything it cannot keep. */
export function parseSdpSummary(desc: { type: string; sdp?: string | undefined }): SdpSummary {
  if (desc.type !== 'offer' && desc.type !== 'answer')
    throw new UnsupportedSdpError('type is not offer or answer');
  const sdp = desc.sdp;
  if (typeof sdp !== 'string' || sdp.length === 0) throw new UnsupportedSdpError('description has no SDP');
  if (sdp.length > MAX_SDP) throw new MalformedInputError('SDP too long');
  const lines = sdp.split(/\r?\n/).filter((l) => l !== '');
  if (lines[0] !== 'v=0') throw new UnsupportedSdpError('SDP does not start with v=0');
  const session = new Map<string, string[]>();
  const media = new Map<string, string[]>();
  let mline: string | undefined;
  let sections = 0;
  for (const line of lines) {
    const m = /^([a-z])=(.*)$/.exec(line);
    if (!m) throw new UnsupportedSdpError('SDP line is not <letter>=<value>');
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'm') {
      sections++;
      mline = value;
      continue;
    }
    if (key === 'a') {
      const colon = value.indexOf(':');
      const name = colon < 0 ? value : value.slice(0, colon);
      const val = colon < 0 ? '' : value.slice(colon + 1);
      const map = sections === 0 ? session : media;
      map.set(name, [...(map.get(name) ?? []), val]);
    } else if (
      key === 'b' ||
      key === 'k' ||
      key === 'i' ||
      key === 'u' ||
      key === 'e' ||
      key === 'p' ||
      key === 'r' ||
      key === 'z'
    ) {
      throw new UnsupportedSdpError('SDP line type the codec does not keep');
    }
    // v, o, s, t, c: regenerated (o= session id and version carry no meaning for one DataChannel).
  }
  if (sections !== 1 || mline === undefined)
    throw new UnsupportedSdpError('SDP must have exactly one media section');
  const mparts = mline.split(' ');
  if (
    mparts[0] !== 'application' ||
    mparts[2] !== 'UDP/DTLS/SCTP' ||
    mparts[3] !== 'webrtc-datachannel' ||
    mparts.length !== 4
  )
    throw new UnsupportedSdpError('media section is not "application … UDP/DTLS/SCTP webrtc-datachannel"');
  if (mparts[1] === '0') throw new UnsupportedSdpError('media section is rejected (port 0)');

  const one = (name: string, where: 'media' | 'either'): string | undefined => {
    const vals = media.get(name) ?? (where === 'either' ? session.get(name) : undefined);
    if (vals && vals.length > 1) throw new UnsupportedSdpError(`more than one a=${name}`);
    return vals?.[0];
  };
  const known = new Set([
    'candidate',
    'end-of-candidates',
    'ice-ufrag',
    'ice-pwd',
    'ice-options',
    'fingerprint',
    'setup',
    'mid',
    'sctp-port',
    'max-message-size',
  ]);
  for (const name of session.keys())
    if (!IGNORED_SESSION.has(name) && !known.has(name) && name !== 'group' && name !== 'ice-lite')
      throw new UnsupportedSdpError(`session attribute the codec cannot keep: ${name}`);
  for (const name of media.keys())
    if (!IGNORED_MEDIA.has(name) && !known.has(name) && name !== 'ice-lite')
      throw new UnsupportedSdpError(`media attribute the codec cannot keep: ${name}`);
  if (
    session.has('candidate') ||
    session.has('mid') ||
    session.has('sctp-port') ||
    session.has('max-message-size')
  )
    throw new UnsupportedSdpError('media attribute at session level');

  const iceUfrag = one('ice-ufrag', 'either');
  const icePwd = one('ice-pwd', 'either');
  if (iceUfrag === undefined || !isIceString(iceUfrag, UFRAG_MIN, ICE_MAX))
    throw new UnsupportedSdpError('missing or bad ice-ufrag');
  if (icePwd === undefined || !isIceString(icePwd, PWD_MIN, ICE_MAX))
    throw new UnsupportedSdpError('missing or bad ice-pwd');

  // RFC 8122 §5: several fingerprints may be given; lanrtc keeps exactly one sha-256.
  const fps = media.get('fingerprint') ?? session.get('fingerprint') ?? [];
  const sha256 = [
    ...new Set(fps.filter((f) => /^sha-256 /i.test(f.trim())).map((f) => f.trim().toUpperCase())),
  ];
  if (sha256.length !== 1) throw new UnsupportedSdpError('need exactly one sha-256 fingerprint');
  const fingerprint = parseSdpFingerprint(`sha-256${(sha256[0] as string).slice(7)}`);

  const setup = one('setup', 'either');
  if (setup !== 'actpass' && setup !== 'active' && setup !== 'passive')
    throw new UnsupportedSdpError('missing or unsupported a=setup');

  const mid = one('mid', 'media');
  if (mid === undefined || !MID_RE.test(mid)) throw new UnsupportedSdpError('missing or bad a=mid');
  const groups = session.get('group') ?? [];
  if (groups.length > 1 || (groups[0] !== undefined && groups[0] !== `BUNDLE ${mid}`))
    throw new UnsupportedSdpError('group other than BUNDLE of the one mid');
  // RFC 8839 §5.3 puts ice-lite at session level; werift writes it in the media section: accept both.
  const lite = session.get('ice-lite') ?? media.get('ice-lite');
  if (lite && (lite.length > 1 || lite[0] !== '')) throw new UnsupportedSdpError('bad a=ice-lite');

  const opts = media.get('ice-options') ?? session.get('ice-options') ?? [];
  if (opts.length > 1) throw new UnsupportedSdpError('more than one a=ice-options');
  const iceOptions = opts[0] === undefined ? [] : opts[0].trim().split(/ +/);
  if (iceOptions.some((o) => !/^[A-Za-z0-9+/\-_.]{1,32}$/.test(o)) || iceOptions.join(' ').length > 128)
    throw new UnsupportedSdpError('bad a=ice-options');

  const sctp = one('sctp-port', 'media');
  const mms = one('max-message-size', 'media');
  const eoc = media.get('end-of-candidates');
  if (eoc && (eoc.length > 1 || eoc[0] !== '')) throw new UnsupportedSdpError('bad a=end-of-candidates');
  const cands = media.get('candidate') ?? [];
  if (cands.length > MAX_CANDIDATES) throw new UnsupportedSdpError('too many candidates');
  const candidates = cands.map((c) => parseCandidate(c));
  for (const c of candidates)
    if (c.ufrag !== undefined && c.ufrag !== iceUfrag)
      throw new UnsupportedSdpError('candidate ufrag differs from a=ice-ufrag');
  return {
    type: desc.type,
    iceUfrag,
    icePwd,
    fingerprint,
    setup,
    iceLite: lite !== undefined,
    iceOptions,
    mid,
    bundle: groups.length === 1,
    sctpPort: sctp === undefined ? undefined : uint(sctp, 65535, 'sctp-port'),
    maxMessageSize: mms === undefined ? undefined : uint(mms, Number.MAX_SAFE_INTEGER, 'max-message-size'),
    candidates,
    endOfCandidates: eoc !== undefined,
  };
}

/**
 * Decimal session id for `o=` derived from the fingerprint, so one summary always prints the same
 * SDP: the first 7 bytes as a big-endian integer, mod 2^53 (exact: computed in BigInt).
 */
function sessionId(fp: Uint8Array): string {
  let n = 0n;
  for (let i = 0; i < 7; i++) n = (n << 8n) | BigInt(fp[i] as number);
  return String(n % 2n ** 53n);
}

/** Write a summary as SDP (CRLF lines, RFC 8866 §5 order; `m=` port 9 and `c=` 0.0.0.0 per JSEP §5.2.1). */
export function formatSdp(s: SdpSummary): SessionDescriptionInit {
  const l: string[] = ['v=0', `o=- ${sessionId(s.fingerprint)} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0'];
  if (s.bundle) l.push(`a=group:BUNDLE ${s.mid}`);
  if (s.iceLite) l.push('a=ice-lite');
  l.push('m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0');
  for (const c of s.candidates) l.push(`a=${formatCandidate(c)}`);
  if (s.endOfCandidates) l.push('a=end-of-candidates');
  l.push(`a=ice-ufrag:${s.iceUfrag}`, `a=ice-pwd:${s.icePwd}`);
  if (s.iceOptions.length > 0) l.push(`a=ice-options:${s.iceOptions.join(' ')}`);
  l.push(`a=fingerprint:${formatSdpFingerprint(s.fingerprint)}`, `a=setup:${s.setup}`, `a=mid:${s.mid}`);
  if (s.sctpPort !== undefined) l.push(`a=sctp-port:${s.sctpPort}`);
  if (s.maxMessageSize !== undefined) l.push(`a=max-message-size:${s.maxMessageSize}`);
  return { type: s.type, sdp: `${l.join('\r\n')}\r\n` };
}
