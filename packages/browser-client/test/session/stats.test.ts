/**
 * `remoteFingerprintFromStats`: how the browser peer reads the certificate the remote presented in
 * DTLS from a W3C stats report (webrtc-stats §7.9 transport `remoteCertificateId` → §7.16
 * certificate `fingerprint`). Pure: the report is a Map with the shape Chromium 156 produces.
 */
import { MalformedInputError } from '@lanrtc/signal-core';
import { describe, expect, it } from 'vitest';
import { RemoteCertificateUnavailableError } from '../../src/errors.js';
import { remoteFingerprintFromStats } from '../../src/session-peer.js';

const FP = Array.from({ length: 32 }, (_, i) => (i * 7 + 1).toString(16).padStart(2, '0').toUpperCase()).join(
  ':',
);
const FP2 = Array.from({ length: 32 }, () => 'AB').join(':');

function report(...stats: Record<string, unknown>[]): RTCStatsReport {
  return new Map(stats.map((s) => [s.id as string, s])) as unknown as RTCStatsReport;
}
const transport = (id: string, remoteCertificateId?: string) => ({
  id,
  type: 'transport',
  ...(remoteCertificateId ? { remoteCertificateId } : {}),
});
const cert = (id: string, fingerprint: string, fingerprintAlgorithm = 'sha-256') => ({
  id,
  type: 'certificate',
  fingerprint,
  fingerprintAlgorithm,
  base64Certificate: 'MIIB',
});

describe('remoteFingerprintFromStats', () => {
  it('reads the remote certificate of the transport, not the local one', () => {
    const got = remoteFingerprintFromStats(
      report(
        { ...transport('T01', 'CFremote'), localCertificateId: 'CFlocal' },
        cert('CFlocal', FP2),
        cert('CFremote', FP),
      ),
    );
    expect(got).toEqual(Uint8Array.from(FP.split(':'), (h) => Number.parseInt(h, 16)));
  });

  it('accepts lower-case hex and two transports that agree', () => {
    const got = remoteFingerprintFromStats(
      report(transport('T01', 'C1'), transport('T02', 'C2'), cert('C1', FP.toLowerCase()), cert('C2', FP)),
    );
    expect(got?.[0]).toBe(0x01);
  });

  it('is undefined before DTLS has completed (no remote certificate yet)', () => {
    expect(remoteFingerprintFromStats(report(transport('T01')))).toBeUndefined();
    expect(remoteFingerprintFromStats(report())).toBeUndefined();
    expect(remoteFingerprintFromStats(report(transport('T01', 'missing')))).toBeUndefined();
  });

  it.each([
    [
      'a sha-1 certificate',
      report(transport('T', 'C'), cert('C', FP, 'sha-1')),
      RemoteCertificateUnavailableError,
    ],
    [
      'two transports with different certificates',
      report(transport('T1', 'C1'), transport('T2', 'C2'), cert('C1', FP), cert('C2', FP2)),
      RemoteCertificateUnavailableError,
    ],
    ['a truncated fingerprint', report(transport('T', 'C'), cert('C', FP.slice(0, 30))), MalformedInputError],
    [
      'a non-hex fingerprint',
      report(transport('T', 'C'), cert('C', FP2.replace('AB', 'ZZ'))),
      MalformedInputError,
    ],
  ])('rejects %s', (_, r, error) => {
    expect(() => remoteFingerprintFromStats(r)).toThrow(error);
  });
});
