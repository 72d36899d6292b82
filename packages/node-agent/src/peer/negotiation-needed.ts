/**
 * `negotiationneeded` as webrtc-pc means it, for werift: the event fires only while a change is
 * still unnegotiated. werift fires it (one `setImmediate` after the change) even when an offer made
 * in between carried the change and has been answered; the agent would then renegotiate for
 * nothing. The adapter counts werift's change triggers and which of them answered offers covered.
 */
import type { SessionDescriptionInit } from '@lanrtc/signal-core/codec';
import type { RTCPeerConnection } from 'werift';

/** What `trackNegotiation` tells the session adapter. */
export interface NegotiationTracker {
  /** Changes werift has flagged so far (calls of its internal `needNegotiation`). */
  readonly changes: number;
  /** An offer was created that includes the first `covers` changes. */
  offered(sdp: string, covers: number): void;
  localSet(description: SessionDescriptionInit): void;
  remoteSet(description: SessionDescriptionInit): void;
  rolledBack(): void;
  /**
   * webrtc-pc's "check if negotiation is needed", which werift 0.24.4 skips. False when every change
   * werift flagged so far was in an offer that has been answered (e.g. the DataChannel created before
   * the first offer); werift's own flag is then cleared as the spec says, so its next change fires.
   */
  needed(): boolean;
}

/**
 * Count werift's negotiation triggers and which of them answered offers covered. When werift's
 * internals are not as expected every event counts as needed (the behaviour without this filter).
 */
export function trackNegotiation(pc: RTCPeerConnection): NegotiationTracker {
  const internals = pc as unknown as { needNegotiation?: unknown; negotiationneeded?: unknown };
  const inner = internals.needNegotiation;
  const usable = typeof inner === 'function' && typeof internals.negotiationneeded === 'boolean';
  let changes = 0;
  let lastOffer: { sdp: string; covers: number } | undefined;
  let pending: number | undefined;
  let negotiated = 0;
  if (usable) {
    internals.needNegotiation = (...args: unknown[]) => {
      changes += 1;
      return (inner as (...a: unknown[]) => unknown).apply(pc, args);
    };
  }
  return {
    get changes() {
      return changes;
    },
    offered(sdp, covers) {
      lastOffer = { sdp, covers };
    },
    localSet(description) {
      if (description.type === 'offer')
        pending = lastOffer?.sdp === description.sdp ? lastOffer.covers : undefined;
    },
    remoteSet(description) {
      if (description.type === 'answer' && pending !== undefined) negotiated = Math.max(negotiated, pending);
      if (description.type === 'answer' || description.type === 'offer') pending = undefined;
    },
    rolledBack() {
      pending = undefined;
    },
    needed() {
      if (!usable || changes > negotiated || pc.signalingState !== 'stable') return true;
      internals.negotiationneeded = false;
      return false;
    },
  };
}
