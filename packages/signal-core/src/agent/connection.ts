/**
 * `Connection`: what every path hands the application once the peer is authenticated — through
 * the signalling transport (a relay), directly from a card, or by QR codes. One type, so an app
 * handles a connection the same way whichever path made it.
 */

import type { LanrtcError } from '../errors.js';
import type { PublicIdentity } from '../identity/identity.js';
import type { SessionPeer } from '../session/peer.js';

/** Label of the DataChannel the offering side opens when the application sets up none (both platforms). */
export const DEFAULT_CHANNEL_LABEL = 'lanrtc';

/**
 * How a connection was made: `relay` — signed offer/answer through the agent's signalling
 * transport (a relay, or any `SignalTransport`); `direct` — from the device's card, authenticated
 * in-band; `qr` — offer and answer as QR codes (or pasted text), authenticated in-band.
 */
export type ConnectionPath = 'relay' | 'direct' | 'qr';

/** An authenticated connection over a platform's peer `P`. */
export interface Connection<P extends SessionPeer> {
  /** The verified identity of the other side. */
  readonly remote: PublicIdentity;
  /** Which path made it. */
  readonly path: ConnectionPath;
  /** Hex id of the signalling session on the `relay` path; undefined on the in-band paths. */
  readonly session: string | undefined;
  /** The peer connection; `peer.channel(label)` gives DataChannels by label. */
  readonly peer: P;
  /** SHA-256 of the certificate the remote presented in DTLS, equal to the one its identity signed. */
  readonly remoteFingerprint: Uint8Array;
  /** True when the two sides paired while making this connection (in-band first contact). */
  readonly paired: boolean;
  /**
   * Settles with the reason code when the connection ends: `closed` (closed here), the peer's `bye`
   * reason, `failed` / `peer-closed` (the peer connection failed or closed by itself), or the name
   * of the error that ended it (a frame or renegotiation that failed its checks).
   */
  readonly ended: Promise<string>;
  /**
   * Offer the peer connection's current state again (a track or DataChannel added since, an ICE
   * restart) and resolve once the answer is applied; it also runs by itself on `negotiationneeded`.
   * On the `relay` path the offer and answer are signed envelopes in the signalling session; on the
   * `direct` and `qr` paths they are signed envelopes on the auth channel, by the identities the
   * in-band proof verified (docs/PROTOCOL.md §"Renegotiation over the auth channel"). No answer in
   * time (`SessionTimeoutError`) or an answer the peer connection refuses (`DescriptionRejectedError`)
   * rolls the offer back; the connection stays. A description with another DTLS fingerprint than the
   * verified one ends the connection (`FingerprintMismatchError`).
   */
  renegotiate(): Promise<void>;
  /**
   * In-band paths: subscribe to what their renegotiation refused without ending the connection — a
   * frame on the auth channel that is not a fresh description signed by the peer for this connection
   * (`InvalidSignatureError`, `UnsupportedVersionError`, …), or a renegotiation started on
   * `negotiationneeded` that failed. Returns unsubscribe. (The relay path reports these as agent errors.)
   */
  onRenegotiationError?(listener: (error: LanrtcError) => void): () => void;
  /** Close the peer connection and tell the other side. */
  close(): Promise<void>;
}
