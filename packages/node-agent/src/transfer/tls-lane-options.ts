/**
 * What both ends of a TLS lane share: TLS 1.3 only, each side's identity-signed DTLS certificate as
 * its TLS certificate, and the pin check that replaces CA validation — the peer's certificate must be
 * the one whose SHA-256 the WebRTC connection already verified against the peer's identity signature.
 */
import { timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { InvalidArgumentError } from '@lanrtc/signal-core';
import { type DtlsCertificate, fingerprintOfDer } from '../peer/certificate.js';

/** Bytes of the token a TLS lane client sends first to prove it is the peer the listener offered the lane to. */
export const TLS_LANE_TOKEN_BYTES = 32;

/** The byte a TLS lane listener answers a right token with; frames follow it. */
export const TLS_LANE_ACCEPT = 0x01;

/** Where a TLS lane listener waits: an IP address of this machine and the port the system gave. */
export interface TlsLaneEndpoint {
  readonly address: string;
  readonly port: number;
}

/** The `node:tls` options both ends use. */
export function tlsLaneOptions(certificate: DtlsCertificate) {
  return {
    cert: certificate.certPem,
    key: certificate.keyPem,
    // RFC 8446: TLS 1.3 encrypts the certificates and has no renegotiation; nothing older is offered.
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    // Self-signed certificates have no CA to check; the pin check below is the authentication.
    rejectUnauthorized: false,
  } as const;
}

/** True when the peer presented a certificate whose SHA-256 is `pinned`. */
export function peerMatchesPin(socket: TLSSocket, pinned: Uint8Array): boolean {
  const raw = socket.getPeerCertificate()?.raw;
  if (!raw || raw.length === 0) return false;
  const actual = fingerprintOfDer(raw);
  return actual.length === pinned.length && timingSafeEqual(actual, pinned);
}

/** Throw `InvalidArgumentError` unless `fingerprint` is a raw 32-byte SHA-256. */
export function checkFingerprint(fingerprint: Uint8Array): void {
  if (!(fingerprint instanceof Uint8Array) || fingerprint.length !== 32) {
    throw new InvalidArgumentError('remoteFingerprint must be the 32-byte SHA-256 of the peer certificate');
  }
}
