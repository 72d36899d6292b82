/**
 * What the signalling session needs from a peer connection. It is the W3C `RTCPeerConnection`
 * surface the session drives (names kept from the spec) plus two things the spec object does not
 * give directly: a promise for "transport connected" and the fingerprint of the certificate the
 * remote side actually presented in DTLS. node-agent adapts werift to it, browser-client the native
 * `RTCPeerConnection`.
 */

import type { IceCandidateInit } from '../codec/candidate-compact.js';
import type { SessionDescriptionInit } from '../codec/sdp.js';

/** A peer connection as the session drives it. */
export interface SessionPeer {
  createOffer(): Promise<SessionDescriptionInit>;
  createAnswer(): Promise<SessionDescriptionInit>;
  setLocalDescription(description: SessionDescriptionInit): Promise<void>;
  setRemoteDescription(description: SessionDescriptionInit): Promise<void>;
  /** Add a remote candidate; `null` means end-of-candidates. */
  addIceCandidate(candidate: IceCandidateInit | null): Promise<void>;
  /** The current local description (after `setLocalDescription`), with gathered candidates if any. */
  localDescription(): SessionDescriptionInit | undefined;
  /** Subscribe to local candidates as they are gathered (`null` = gathering complete). Returns unsubscribe. */
  onLocalCandidate(listener: (candidate: IceCandidateInit | null) => void): () => void;
  /** Resolves when ICE + DTLS are connected; rejects when the connection fails or closes first. */
  connected(): Promise<void>;
  /** SHA-256 of the DER certificate the remote side presented in the DTLS handshake (32 bytes). */
  remoteCertificateFingerprint(): Promise<Uint8Array | undefined>;
  /**
   * Optional: drop a local offer that was not answered (`setLocalDescription({ type: 'rollback' })`).
   * Without it a colliding remote offer rolls the local one back implicitly (webrtc-pc §4.4.1.6).
   */
  rollback?(): Promise<void>;
  /**
   * Optional: subscribe to `negotiationneeded`. After hand-over the agent then renegotiates by itself
   * when the application adds a track or its first DataChannel. Returns unsubscribe.
   */
  onNegotiationNeeded?(listener: () => void): () => void;
  /**
   * Optional: subscribe to the connection ending on its own — it failed (ICE or consent lost) or was
   * closed (by the remote, or locally). The agent then ends the session: a peer that vanished without
   * a `bye` does not keep its session for ever. Returns unsubscribe.
   */
  onEnded?(listener: (state: 'failed' | 'closed') => void): () => void;
  close(): void;
}
