/**
 * werift ships a CommonJS build (lib/webrtc/src/…) beside the ESM bundle (lib/index.mjs) with its
 * own copy of every class; the patch edits both. lanrtc imports the ESM build, so the other tests
 * exercise that one; this file loads the CommonJS build through `require` and repeats the core checks.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Werift from 'werift';
import { createDtlsCertificate, type DtlsCertificate } from '../../src/index.js';
import { IN_NETNS, negotiate, settle, waitFor } from '../peer/pair.js';
import { BINDING_ERROR, BINDING_SUCCESS, bindingRequest, StunClient } from './stun.js';

const cjs = createRequire(import.meta.url)('werift') as typeof Werift;
const HOST = '10.77.0.1';

function peer(certificate: DtlsCertificate): Werift.RTCPeerConnection {
  return new cjs.RTCPeerConnection({
    iceServers: [],
    bundlePolicy: 'max-bundle',
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [HOST],
    iceInterfaceAddresses: { udp4: HOST },
    dtls: { keys: { ...certificate, signatureHash: { ...certificate.signatureHash } } },
  });
}

describe('werift patch in the CommonJS build', () => {
  it('is a different copy of the code than the ESM build', async () => {
    const esm = await import('werift');
    expect(cjs.Connection).not.toBe(esm.Connection);
  });

  it('has no implicit STUN server', () => {
    expect(new cjs.Connection(true, {}).stunServer).toBeUndefined();
  });
});

describe.skipIf(!IN_NETNS)('werift patch in the CommonJS build (netns)', () => {
  it('authenticates STUN Binding requests', async () => {
    const pc = peer(await createDtlsCertificate());
    const client = await StunClient.open(HOST);
    try {
      pc.createDataChannel('x');
      await pc.setLocalDescription(await pc.createOffer());
      if (pc.iceGatheringState !== 'complete') {
        await waitFor(pc.iceGatheringStateChange, (s) => s === 'complete', 5_000, 'gathering');
      }
      const sdp = pc.localDescription?.sdp ?? '';
      const ufrag = /a=ice-ufrag:(\S+)/.exec(sdp)?.[1] ?? '';
      const pwd = /a=ice-pwd:(\S+)/.exec(sdp)?.[1] ?? '';
      const port = Number(/ 10\.77\.0\.1 (\d+) typ host/.exec(sdp)?.[1]);
      const ask = async (req: Parameters<typeof bindingRequest>[0]) => {
        const { bytes, txid } = bindingRequest(req);
        return client.request(bytes, txid, HOST, port);
      };
      expect((await ask({ username: `${ufrag}:peer`, integrityKey: pwd }))?.type).toBe(BINDING_SUCCESS);
      const missing = await ask({ username: `${ufrag}:peer` });
      expect([missing?.type, missing?.errorCode]).toEqual([BINDING_ERROR, 400]);
      const wrong = await ask({ username: `${ufrag}:peer`, integrityKey: 'y'.repeat(22) });
      expect([wrong?.type, wrong?.errorCode]).toEqual([BINDING_ERROR, 401]);
    } finally {
      await client.close();
      await pc.close();
    }
  });

  it('rejects a DTLS client whose CertificateVerify does not match its certificate', async () => {
    const [server, victim, other] = await Promise.all([
      createDtlsCertificate(),
      createDtlsCertificate(),
      createDtlsCertificate(),
    ]);
    const outcome = async (client: DtlsCertificate) => {
      const a = peer(server);
      const b = peer(client);
      const state = waitFor(
        a.connectionStateChange,
        (s) => s === 'connected' || s === 'failed',
        8_000,
        'outcome',
      );
      await negotiate(a, b);
      const s = await state.catch(() => 'timeout');
      await settle(100);
      await Promise.all([a.close(), b.close()]);
      return s;
    };
    expect(await outcome(victim)).toBe('connected');
    expect(await outcome({ ...victim, keyPem: other.keyPem })).toBe('failed');
  });
});
