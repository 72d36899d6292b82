/**
 * `connectDirect`: the connecting side of a direct connect on Node. The card's offer becomes the
 * remote description, werift's own answer the local one (never modified, never sent anywhere), the
 * negotiated auth channel opens once ICE and DTLS are up — werift has checked that the device's
 * certificate is the card's — and in-band authentication runs as initiator against the card's identity.
 */
import type { Card, CompareHandler, Identity, PairingMode, TrustStore } from '@lanrtc/signal-core';
import { cardToOffer } from '@lanrtc/signal-core/protocol';
import type { DtlsCertificate } from '../peer/certificate.js';
import type { NodePeerInit } from '../peer/create-node-peer.js';
import type { NodeConnection } from './connection.js';
import { answeringPeer, authenticateInitiator } from './initiator.js';

/** Options of `connectDirect`. */
export interface ConnectDirectInit {
  readonly identity: Identity;
  readonly certificate: DtlsCertificate;
  readonly trust: TrustStore;
  /** First contact: pair in-band with this secret (from a QR pairing card) or PIN. */
  readonly pairing?: PairingMode;
  /** Compare-mode pairing: show the digits, resolve with the user's verdict. */
  readonly onCompare?: CompareHandler;
  /** werift options besides the certificate (local addresses, `.local` resolver). */
  readonly peer?: Omit<NodePeerInit, 'certificate' | 'iceLite'>;
  /** ICE + DTLS + SCTP until the auth channel is open (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /** In-band authentication (default `DIRECT_AUTH_DEADLINE_MS`). */
  readonly authDeadlineMs?: number;
  readonly signal?: AbortSignal;
}

/** Connect to the device behind a verified card and authenticate it (and ourselves) in-band. */
export async function connectDirect(card: Card, init: ConnectDirectInit): Promise<NodeConnection> {
  const { pc, port } = await answeringPeer(init, cardToOffer(card));
  const ms = init.connectTimeoutMs ?? 10_000;
  return authenticateInitiator(pc, port, init, {
    path: 'direct',
    openTimeoutMs: ms,
    openTimeoutMessage: `direct connection not open after ${ms} ms`,
    card,
    ...(init.pairing ? { pairing: init.pairing } : {}),
  });
}
