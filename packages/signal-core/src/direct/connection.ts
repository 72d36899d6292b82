/**
 * What both platforms' direct connect (and the browser's QR signalling) hand the application once
 * in-band authentication succeeded: the shape of `Connection` without a signalling session.
 */
import type { PublicIdentity } from '../identity/identity.js';
import type { SessionPeer } from '../session/peer.js';

/** An authenticated direct connection over a platform's peer `P`. */
export interface DirectConnectionBase<P extends SessionPeer> {
  /** The identity the peer proved in-band (paired before, or paired just now). */
  readonly remote: PublicIdentity;
  /** The peer connection; `peer.channel(label)` gives DataChannels by label. */
  readonly peer: P;
  /** SHA-256 of the certificate the peer presented in DTLS, bound into the authentication. */
  readonly remoteFingerprint: Uint8Array;
  /** True when this connection paired the two sides in-band (first contact with a secret or PIN). */
  readonly paired: boolean;
  /** Settles with a reason (platform-specific codes, e.g. `closed`, `failed`) when the connection ends. */
  readonly ended: Promise<string>;
  /** Close the peer connection. */
  close(): Promise<void>;
}
