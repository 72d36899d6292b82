/**
 * werift patch (a): a werift DTLS server verifies the client's CertificateVerify (RFC 5246 §7.4.8).
 * The impostor is a werift client that presents the victim's certificate (so its SDP carries the
 * victim's fingerprint) while signing CertificateVerify with its own key; it must not get a
 * connection. The honest holder of the same certificate must.
 */
import { describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import {
  certificateFingerprint,
  createDtlsCertificate,
  createNodePeer,
  type DtlsCertificate,
  remoteCertificateFingerprint,
} from '../../src/index.js';
import { IN_NETNS, negotiate, settle, waitFor } from '../peer/pair.js';

const HOST = '10.77.0.1';

type Outcome = 'connected' | 'failed' | 'timeout';

/** Offerer `server` (werift offers actpass, the answerer takes DTLS client) against `client`. */
async function run(server: DtlsCertificate, client: DtlsCertificate) {
  const a = createNodePeer({ certificate: server, interfaceAddresses: [HOST] });
  const b = createNodePeer({ certificate: client, interfaceAddresses: [HOST] });
  let delivered = false;
  b.onDataChannel.subscribe((ch) => {
    ch.onMessage.subscribe(() => {
      delivered = true;
    });
  });
  const outcome: Promise<Outcome> = waitFor(
    a.connectionStateChange,
    (s) => s === 'connected' || s === 'failed',
    8_000,
    'server outcome',
  ).then(
    (s) => s as Outcome,
    () => 'timeout' as const,
  );
  const channel = await negotiate(a, b);
  channel.stateChanged.subscribe((s) => {
    if (s === 'open') channel.send('secret for the certificate holder');
  });
  const result = await outcome;
  await settle(300);
  return { a, b, result, delivered, roles: [a.dtlsTransports[0]?.role, b.dtlsTransports[0]?.role] };
}

async function closeAll(...pcs: RTCPeerConnection[]) {
  await Promise.all(pcs.map((pc) => pc.close()));
}

describe.skipIf(!IN_NETNS)('werift patch: DTLS server verifies CertificateVerify (netns)', () => {
  it('accepts the honest holder of a certificate', async () => {
    const [server, victim] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
    const { a, b, result, delivered, roles } = await run(server, victim);
    try {
      expect(roles).toEqual(['server', 'client']);
      expect(result).toBe('connected');
      expect(delivered).toBe(true);
      expect(remoteCertificateFingerprint(a)).toEqual(certificateFingerprint(victim));
    } finally {
      await closeAll(a, b);
    }
  });

  it("rejects a client presenting the victim's certificate but signing with its own key", async () => {
    const [server, victim, impostorKey] = await Promise.all([
      createDtlsCertificate(),
      createDtlsCertificate(),
      createDtlsCertificate(),
    ]);
    // The victim's certificate is public (it travels in every DTLS handshake); its key is not.
    const impostor: DtlsCertificate = { ...victim, keyPem: impostorKey.keyPem };
    const { a, b, result, delivered, roles } = await run(server, impostor);
    try {
      expect(roles).toEqual(['server', 'client']);
      expect(result).toBe('failed');
      expect(a.connectionState).not.toBe('connected');
      expect(delivered).toBe(false);
    } finally {
      await closeAll(a, b);
    }
  });
});
