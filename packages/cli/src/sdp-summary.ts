/** A few human-readable lines about a decoded offer or answer (what `lanrtc paste` shows for them). */
import {
  formatSdpFingerprint,
  parseSdpSummary,
  type SessionDescriptionInit,
} from '@lanrtc/signal-core/codec';

/** Describe an SDP description: fingerprint, setup role and candidates. */
export function summarizeSdp(description: SessionDescriptionInit): string[] {
  const s = parseSdpSummary(description);
  return [
    `fingerprint: ${formatSdpFingerprint(s.fingerprint)}`,
    `setup: ${s.setup}${s.iceLite ? ', ice-lite' : ''}`,
    `candidates: ${s.candidates.map((c) => `${c.address}:${c.port}`).join(' ') || '(none)'}`,
  ];
}
