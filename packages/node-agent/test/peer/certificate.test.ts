/** The identity's DTLS certificate: creation, storage round-trip, fingerprint, hostile stored input. */
import { createHash, X509Certificate } from 'node:crypto';
import { InvalidArgumentError } from '@lanrtc/signal-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  certificateFingerprint,
  createDtlsCertificate,
  type DtlsCertificate,
  fingerprintOfDer,
  InvalidCertificateError,
  parseDtlsCertificate,
  serializeDtlsCertificate,
} from '../../src/index.js';

let cert: DtlsCertificate;
let other: DtlsCertificate;
beforeAll(async () => {
  [cert, other] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
});

describe('DTLS certificate', () => {
  it('is ECDSA P-256 with SHA-256 and distinct per call', () => {
    const x509 = new X509Certificate(cert.certPem);
    expect(x509.publicKey.asymmetricKeyType).toBe('ec');
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.signatureHash).toEqual({ hash: 4, signature: 3 });
    expect(certificateFingerprint(cert)).not.toEqual(certificateFingerprint(other));
  });

  it('has a fingerprint that is the raw SHA-256 of the DER', () => {
    const fp = certificateFingerprint(cert);
    expect(fp).toBeInstanceOf(Uint8Array);
    expect(fp.length).toBe(32);
    const der = new X509Certificate(cert.certPem).raw;
    expect(Buffer.from(fp).toString('hex')).toBe(createHash('sha256').update(der).digest('hex'));
    expect(fingerprintOfDer(new Uint8Array(der))).toEqual(fp);
  });

  it('round-trips through serialise/parse with the same fingerprint', () => {
    const text = serializeDtlsCertificate(cert);
    const back = parseDtlsCertificate(text);
    expect(back).toEqual(cert);
    expect(certificateFingerprint(back)).toEqual(certificateFingerprint(cert));
    expect(serializeDtlsCertificate(back)).toBe(text);
  });

  it('rejects an empty DER', () => {
    expect(() => fingerprintOfDer(new Uint8Array())).toThrow(InvalidArgumentError);
  });

  const stored = (patch: Record<string, unknown>) =>
    JSON.stringify({ ...JSON.parse(serializeDtlsCertificate(cert)), ...patch });
  const hostile: [string, () => string][] = [
    ['not JSON', () => 'certPem: nope'],
    ['a JSON array', () => '[]'],
    ['JSON null', () => 'null'],
    ['an unknown version', () => stored({ v: 2 })],
    ['an unknown algorithm', () => stored({ alg: 'rsa-2048-sha256' })],
    ['no key', () => stored({ keyPem: undefined })],
    ['a number as cert', () => stored({ certPem: 42 })],
    [
      'garbage certificate PEM',
      () => stored({ certPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }),
    ],
    [
      'garbage key PEM',
      () => stored({ keyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }),
    ],
    ["another certificate's key", () => stored({ keyPem: other.keyPem })],
    ['an oversized text', () => ' '.repeat(20_000)],
  ];
  it.each(hostile)('rejects a stored certificate with %s', (_name, make) => {
    const text = make();
    expect(() => parseDtlsCertificate(text)).toThrow(InvalidCertificateError);
  });

  it('never puts the private key in an error message', () => {
    const keyBody = other.keyPem.split('\n')[1] ?? '';
    expect(keyBody.length).toBeGreaterThan(10);
    expect(() => parseDtlsCertificate(stored({ keyPem: other.keyPem }))).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining(keyBody) }),
    );
  });
});
