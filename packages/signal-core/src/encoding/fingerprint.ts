/**
 * DTLS certificate fingerprints. lanrtc handles them as raw 32-byte SHA-256 digests everywhere;
 * SDP carries them as `sha-256 AB:CD:…` (RFC 8122 §5). Only sha-256 is accepted: it is what every
 * browser and werift produce, and allowing weaker hashes would let a downgrade pick one.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MalformedInputError } from '../errors.js';

/** Length of a SHA-256 fingerprint in bytes. */
export const FINGERPRINT_BYTES = 32;

/** Parse an SDP `a=fingerprint` value (`sha-256 AB:CD:…`, any case). Throws `MalformedInputError`. */
export function parseSdpFingerprint(value: string): Uint8Array {
  const m = /^sha-256 ((?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})$/.exec(value.trim());
  if (!m?.[1]) throw new MalformedInputError('fingerprint is not "sha-256" followed by 32 hex octets');
  return Uint8Array.from(m[1].split(':'), (h) => Number.parseInt(h, 16));
}

/** Format 32 raw bytes as an SDP fingerprint value (`sha-256 AB:CD:…`, uppercase per RFC 8122). */
export function formatSdpFingerprint(fingerprint: Uint8Array): string {
  if (fingerprint.length !== FINGERPRINT_BYTES) throw new MalformedInputError('fingerprint must be 32 bytes');
  return `sha-256 ${Array.from(fingerprint, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':')}`;
}

/** The fingerprint of a DER-encoded certificate: its SHA-256 (RFC 8122 §5). */
export function certificateDerFingerprint(der: Uint8Array): Uint8Array {
  return sha256(der);
}
