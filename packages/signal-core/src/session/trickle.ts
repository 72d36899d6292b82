/** Trickle ICE over signed envelopes: local candidates follow the description that precedes them. */
import { describedCandidates } from './described-candidates.js';
import { encodeCandidatePayload } from './payload.js';
import type { SessionPeer } from './peer.js';
import type { SessionIo, SessionState } from './session-io.js';

/**
 * Send local candidates once the description that precedes them is out, except those gathered
 * before it that it already carries (werift finishes gathering inside setLocalDescription).
 */
export function trickle(io: SessionIo, s: SessionState, peer: SessionPeer): { ready(sentSdp: string): void } {
  const early: Parameters<typeof encodeCandidatePayload>[0][] = [];
  let ready = false;
  const send = (c: Parameters<typeof encodeCandidatePayload>[0]) => {
    io.send(s, 'candidate', encodeCandidatePayload(c)).catch(() => {});
  };
  const unsubscribe = peer.onLocalCandidate((c) => (ready ? send(c) : early.push(c)));
  s.inbox.onEnd(unsubscribe);
  return {
    ready(sentSdp) {
      ready = true;
      if (early.length === 0) return;
      const described = describedCandidates(sentSdp);
      for (const c of early.splice(0)) if (!described(c)) send(c);
    },
  };
}
