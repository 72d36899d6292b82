/**
 * The DTLS certificate of one lanrtc identity: created once, stored, and pinned on every peer
 * connection, so the fingerprint a paired peer signed stays valid (RFC 8827 §6.5 wants the
 * fingerprint bound to an identity; werift would otherwise share one certificate per process).
 * Only ECDSA P-256 with SHA-256 — what browsers generate and werift signs with.
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { InvalidArgumentError } from '@lanrtc/signal-core';
import { CipherContext, HashAlgorithm, NamedCurveAlgorithm, SignatureAlgorithm } from 'werift';
import { InvalidCertificateError } from '../errors.js';

/** A DTLS certificate and its private key in PEM, in the shape werift's `dtls.keys` takes. */
export interface DtlsCertificate {
  /** X.509 certificate, PEM. */
  readonly certPem: string;
  /** PKCS#8 private key, PEM. Secret. */
  readonly keyPem: string;
  /** werift's TLS 1.2 SignatureAndHashAlgorithm (RFC 5246 §7.4.1.4.1): always ECDSA + SHA-256 here. */
  readonly signatureHash: { readonly hash: 4; readonly signature: 3 };
}

const SIGNATURE_HASH = { hash: HashAlgorithm.sha256_4, signature: SignatureAlgorithm.ecdsa_3 } as const;
const STORAGE_VERSION = 1;
const MAX_STORED_LENGTH = 16 * 1024;

/** Create a fresh self-signed ECDSA P-256 / SHA-256 DTLS certificate (valid ten years, as werift makes it). */
export async function createDtlsCertificate(): Promise<DtlsCertificate> {
  const made = await CipherContext.createSelfSignedCertificateWithKey(
    SIGNATURE_HASH,
    NamedCurveAlgorithm.secp256r1_23,
  );
  return checkCertificate(made.certPem, made.keyPem);
}

/** Serialise a certificate for storage as a small versioned JSON text (contains the private key). */
export function serializeDtlsCertificate(certificate: DtlsCertificate): string {
  return JSON.stringify({
    v: STORAGE_VERSION,
    alg: 'ecdsa-p256-sha256',
    certPem: certificate.certPem,
    keyPem: certificate.keyPem,
  });
}

/** Parse a stored certificate, checking that the key is ECDSA P-256 and belongs to the certificate. */
export function parseDtlsCertificate(text: string): DtlsCertificate {
  if (text.length > MAX_STORED_LENGTH) throw new InvalidCertificateError('stored certificate is too long');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidCertificateError('stored certificate is not JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidCertificateError('stored certificate is not an object');
  }
  const record = value as Record<string, unknown>;
  if (record.v !== STORAGE_VERSION) throw new InvalidCertificateError('unknown stored certificate version');
  if (record.alg !== 'ecdsa-p256-sha256')
    throw new InvalidCertificateError('unsupported certificate algorithm');
  if (typeof record.certPem !== 'string' || typeof record.keyPem !== 'string') {
    throw new InvalidCertificateError('stored certificate lacks certPem or keyPem');
  }
  return checkCertificate(record.certPem, record.keyPem);
}

/** Raw SHA-256 of the certificate's DER (32 bytes): the value SDP's `a=fingerprint:sha-256` carries (RFC 8122 §5). */
export function certificateFingerprint(certificate: DtlsCertificate): Uint8Array {
  return fingerprintOfDer(certificateDer(certificate.certPem));
}

/** Raw SHA-256 of a DER certificate (32 bytes). */
export function fingerprintOfDer(der: Uint8Array): Uint8Array {
  if (der.length === 0) throw new InvalidArgumentError('empty certificate');
  return new Uint8Array(createHash('sha256').update(der).digest());
}

function certificateDer(certPem: string): Uint8Array {
  try {
    return new Uint8Array(new X509Certificate(certPem).raw);
  } catch (cause) {
    throw new InvalidCertificateError('certificate PEM does not parse', { cause });
  }
}

function checkCertificate(certPem: string, keyPem: string): DtlsCertificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (cause) {
    throw new InvalidCertificateError('certificate PEM does not parse', { cause });
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch (cause) {
    throw new InvalidCertificateError('private key PEM does not parse', { cause });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new InvalidCertificateError('private key is not ECDSA P-256');
  }
  // A key that does not match its certificate signs CertificateVerify messages the peer rejects
  // (RFC 5246 §7.4.8) — or, against an unpatched werift, impersonates that certificate's owner.
  if (!cert.checkPrivateKey(key))
    throw new InvalidCertificateError('private key does not match the certificate');
  return { certPem, keyPem, signatureHash: SIGNATURE_HASH };
}
