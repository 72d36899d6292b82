/**
 * werift patch, the parts direct connect needs (docs/werift-patches.md §4–§6):
 * - the deferred remote-fingerprint check is opt-in per DTLS transport (`=== true`) and otherwise
 *   werift still refuses a certificate that does not match the SDP fingerprint;
 * - SCTP stream ids take their parity from the DTLS role (RFC 8832 §6), not the ICE role (here the
 *   ordinary case, where both agree; the ICE-controlled DTLS server is in test/direct/listener.test.ts);
 * - a DATA_CHANNEL_ACK for a stream with no channel is ignored instead of an unhandled rejection.
 * Each is checked in the ESM build (what lanrtc loads) and in the CommonJS build.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import type * as Werift from 'werift';
import {
  certificateFingerprint,
  createDtlsCertificate,
  type DtlsCertificate,
  remoteCertificateFingerprint,
} from '../../src/index.js';
import { IN_NETNS, negotiate, settle, waitFor } from '../peer/pair.js';

const HOST = '10.77.0.1';
const builds = {
  esm: (await import('werift')) as typeof Werift,
  cjs: createRequire(import.meta.url)('werift') as typeof Werift,
};
const open: Werift.RTCPeerConnection[] = [];
afterEach(async () => {
  for (const pc of open.splice(0)) await pc.close();
  await settle(100);
});

function peer(w: typeof Werift, certificate: DtlsCertificate): Werift.RTCPeerConnection {
  const pc = new w.RTCPeerConnection({
    iceServers: [],
    bundlePolicy: 'max-bundle',
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [HOST],
    iceInterfaceAddresses: { udp4: HOST },
    dtls: { keys: { ...certificate, signatureHash: { ...certificate.signatureHash } } },
  });
  open.push(pc);
  return pc;
}

async function gathered(pc: Werift.RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState !== 'complete') {
    await waitFor(pc.iceGatheringStateChange, (s) => s === 'complete', 5_000, 'gathering');
  }
}

/** Offerer = ICE controlling + DTLS server; the answer it gets carries `answerFingerprint`'s value. */
async function connectWithAnswerFingerprint(
  w: typeof Werift,
  defer: unknown,
): Promise<{ state: string; offerer: Werift.RTCPeerConnection; client: DtlsCertificate }> {
  const server = await createDtlsCertificate();
  const client = await createDtlsCertificate();
  const a = peer(w, server);
  const b = peer(w, client);
  const channel = a.createDataChannel('x');
  if (defer !== undefined) {
    (a.dtlsTransports[0] as unknown as { deferRemoteFingerprintCheck: unknown }).deferRemoteFingerprintCheck =
      defer;
  }
  await a.setLocalDescription(await a.createOffer());
  await gathered(a);
  await b.setRemoteDescription(a.localDescription as Werift.RTCSessionDescription);
  await b.setLocalDescription(await b.createAnswer());
  await gathered(b);
  const answer = b.localDescription as Werift.RTCSessionDescription;
  // Someone else's fingerprint in the answer: the client's real certificate will not match it.
  const wrong = Array.from({ length: 32 }, () => 'AB').join(':');
  const sdp = answer.sdp.replace(/a=fingerprint:sha-256 \S+/, `a=fingerprint:sha-256 ${wrong}`);
  const outcome = waitFor(
    a.connectionStateChange,
    (s) => s === 'connected' || s === 'failed',
    8_000,
    'outcome',
  );
  await a.setRemoteDescription({ type: 'answer', sdp } as Werift.RTCSessionDescription);
  const state = await outcome;
  expect(channel.label).toBe('x');
  return { state, offerer: a, client };
}

describe.skipIf(!IN_NETNS)('werift patch: direct-connect hooks (netns)', () => {
  for (const [name, w] of Object.entries(builds)) {
    it(`${name}: a certificate that does not match the SDP fingerprint fails unless the check is deferred`, async () => {
      expect(
        (new w.RTCPeerConnection().dtlsTransports[0] as unknown as Record<string, unknown> | undefined)
          ?.deferRemoteFingerprintCheck,
      ).toBeUndefined();
      expect((await connectWithAnswerFingerprint(w, undefined)).state).toBe('failed');
      // Only exactly `true` opts in: truthy look-alikes keep the check.
      expect((await connectWithAnswerFingerprint(w, 1)).state).toBe('failed');
      expect((await connectWithAnswerFingerprint(w, 'true')).state).toBe('failed');
      const deferred = await connectWithAnswerFingerprint(w, true);
      expect(deferred.state).toBe('connected');
      // The application reads the certificate the client really presented.
      expect(remoteCertificateFingerprint(deferred.offerer)).toEqual(certificateFingerprint(deferred.client));
    });

    it(`${name}: stream-id parity follows the DTLS role, and a stray DATA_CHANNEL_ACK is ignored`, async () => {
      const rejections: unknown[] = [];
      const record = (reason: unknown) => rejections.push(reason);
      process.on('unhandledRejection', record);
      try {
        const a = peer(w, await createDtlsCertificate());
        const b = peer(w, await createDtlsCertificate());
        const first = await negotiate(a, b);
        await waitFor(first.stateChanged, (s) => s === 'open', 5_000, 'open');
        // Offerer: ICE controlling, DTLS server (werift's default) → odd ids; answerer: DTLS client → even.
        expect(a.dtlsTransports[0]?.role).toBe('server');
        expect(b.dtlsTransports[0]?.role).toBe('client');
        expect((first.id ?? 0) % 2).toBe(1);
        const fromB = b.createDataChannel('from-b');
        await waitFor(fromB.stateChanged, (s) => s === 'open', 5_000, 'open');
        expect((fromB.id ?? 1) % 2).toBe(0);

        // A DCEP ACK (RFC 8832 §5.2) on a stream that has no channel.
        const sctp = (
          b as unknown as { sctpTransport: { sctp: { send: (...a: unknown[]) => Promise<void> } } }
        ).sctpTransport.sctp;
        await sctp.send(999, 50, Buffer.from([0x02]), {});
        await settle(300);
        expect(rejections).toEqual([]);
        // The association still works: a channel opened afterwards reaches the other side.
        const seen = waitFor(a.onDataChannel, (c) => c.label === 'after', 3_000, 'remote channel');
        b.createDataChannel('after');
        expect((await seen).label).toBe('after');
      } finally {
        process.off('unhandledRejection', record);
      }
    });
  }
});
