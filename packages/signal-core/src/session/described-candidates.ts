/**
 * Which local candidates a sent description already carries. A stack that finishes gathering
 * inside `setLocalDescription` (werift on a LAN: host candidates only) puts every candidate and
 * `a=end-of-candidates` into the offer or answer, and also reports them one by one; trickling
 * those again costs a signed envelope each (an Ed25519 signature here, a verification there) on the
 * connection's critical path and tells the peer nothing new. Only exact duplicates are skipped:
 * same m-section, component, transport, address, port and type; anything else is still sent.
 */
import type { IceCandidateInit } from '../codec/candidate-compact.js';

/** True when `candidate` (or end-of-candidates, `null`) is already in the described SDP. */
export type DescribedCandidateFilter = (candidate: IceCandidateInit | null) => boolean;

/** Build the filter for one description's SDP text. */
export function describedCandidates(sdp: string): DescribedCandidateFilter {
  const [session = '', ...sections] = sdp.split(/\r?\n(?=m=)/);
  const mids = sections.map((s) => /^a=mid:(\S+)/m.exec(s)?.[1]);
  const keys = new Set<string>();
  sections.forEach((section, index) => {
    for (const line of section.matchAll(/^a=(candidate:[^\r\n]*)/gm)) {
      const key = candidateKey(line[1] as string);
      if (key) keys.add(`${index} ${key}`);
    }
  });
  // RFC 8840: at session level it ends every section.
  const endOf = (part: string) => /^a=end-of-candidates\r?$/m.test(part);
  const ended = sections.length > 0 && (endOf(session) || sections.every(endOf));
  return (candidate) => {
    if (!candidate?.candidate) return ended;
    const index = candidate.sdpMLineIndex ?? (candidate.sdpMid ? mids.indexOf(candidate.sdpMid) : -1);
    const key = candidateKey(candidate.candidate);
    return index >= 0 && key !== undefined && keys.has(`${index} ${key}`);
  };
}

/** `component transport address port type` of a candidate attribute, or undefined when malformed. */
function candidateKey(text: string): string | undefined {
  const f = text
    .replace(/^candidate:/, '')
    .trim()
    .split(/\s+/);
  if (f.length < 8 || f[6] !== 'typ') return undefined;
  return [f[1], f[2]?.toLowerCase(), f[4]?.toLowerCase(), f[5], f[7]].join(' ');
}
