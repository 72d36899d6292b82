/**
 * werift patch (b): ICE answers a Binding request only when USERNAME is "<our ufrag>:<peer ufrag>"
 * and MESSAGE-INTEGRITY verifies under our ICE password (RFC 8445 §7.3, RFC 5389 §10.1.2), and
 * bounds the queue of checks that arrive before the remote description. Raw STUN from a UDP socket
 * to the ICE port of a werift peer inside the test namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { createDtlsCertificate, createNodePeer } from '../../src/index.js';
import { IN_NETNS, settle, waitFor } from '../peer/pair.js';
import { BINDING_ERROR, BINDING_SUCCESS, bindingRequest, StunClient } from './stun.js';

const HOST = '10.77.0.1';

interface Target {
  pc: RTCPeerConnection;
  ufrag: string;
  pwd: string;
  port: number;
}

async function offeringPeer(): Promise<Target> {
  const pc = createNodePeer({ certificate: await createDtlsCertificate(), interfaceAddresses: [HOST] });
  pc.createDataChannel('x');
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') {
    await waitFor(pc.iceGatheringStateChange, (s) => s === 'complete', 5_000, 'gathering');
  }
  const sdp = pc.localDescription?.sdp ?? '';
  const ufrag = /a=ice-ufrag:(\S+)/.exec(sdp)?.[1];
  const pwd = /a=ice-pwd:(\S+)/.exec(sdp)?.[1];
  const port = /a=candidate:\S+ \d+ udp \d+ 10\.77\.0\.1 (\d+) typ host/i.exec(sdp)?.[1];
  if (!ufrag || !pwd || !port) throw new Error('offer lacks ufrag, pwd or host candidate');
  return { pc, ufrag, pwd, port: Number(port) };
}

describe.skipIf(!IN_NETNS)('werift patch: STUN Binding requests are authenticated (netns)', () => {
  let target: Target;
  let client: StunClient;
  beforeAll(async () => {
    target = await offeringPeer();
    client = await StunClient.open(HOST);
  });
  afterAll(async () => {
    await client?.close();
    await target?.pc.close();
  });

  const ask = (req: Parameters<typeof bindingRequest>[0]) => {
    const { bytes, txid } = bindingRequest(req);
    return client.request(bytes, txid, HOST, target.port);
  };

  it('answers a correct request (our ufrag, MESSAGE-INTEGRITY under our password) with success', async () => {
    const r = await ask({ username: `${target.ufrag}:peer`, integrityKey: target.pwd });
    expect(r?.type).toBe(BINDING_SUCCESS);
  });

  // Each hostile request gets an error response and never a success (RFC 5389 §10.1.2).
  const hostile: [string, () => Parameters<typeof bindingRequest>[0], number][] = [
    ['no MESSAGE-INTEGRITY', () => ({ username: `${target.ufrag}:peer` }), 400],
    ['no USERNAME', () => ({ integrityKey: target.pwd }), 400],
    [
      'MESSAGE-INTEGRITY under a wrong password',
      () => ({ username: `${target.ufrag}:peer`, integrityKey: 'x'.repeat(22) }),
      401,
    ],
    [
      'a wrong local ufrag in USERNAME',
      () => ({ username: `zz${target.ufrag}:peer`, integrityKey: target.pwd }),
      401,
    ],
    ['USERNAME without a colon', () => ({ username: target.ufrag, integrityKey: target.pwd }), 401],
    [
      'USERNAME with an empty peer ufrag',
      () => ({ username: `${target.ufrag}:`, integrityKey: target.pwd }),
      401,
    ],
    [
      'a body changed after MESSAGE-INTEGRITY',
      () => ({ username: `${target.ufrag}:peer`, integrityKey: target.pwd, tamper: true }),
      401,
    ],
    ['a prototype key as ufrag', () => ({ username: '__proto__:peer', integrityKey: target.pwd }), 401],
  ];
  it.each(hostile)('rejects %s', async (_name, make, code) => {
    const r = await ask(make());
    expect(r?.type).toBe(BINDING_ERROR);
    expect(r?.errorCode).toBe(code);
  });

  it('bounds the queue of checks received before the remote description', async () => {
    const before = client.responseCount;
    for (let i = 0; i < 200; i++) {
      const { bytes } = bindingRequest({ username: `${target.ufrag}:peer`, integrityKey: target.pwd });
      client.send(bytes, HOST, target.port);
    }
    for (let i = 0; i < 50 && client.responseCount < before + 200; i++) await settle(20);
    const connection = target.pc.iceTransports[0]?.connection as unknown as { earlyChecks: unknown[] };
    expect(connection.earlyChecks.length).toBeLessThanOrEqual(64);
  });
});

describe.skipIf(!IN_NETNS)(
  'werift patch: the peer half of USERNAME once the remote ufrag is known (netns)',
  () => {
    it('rejects a USERNAME naming another peer, accepts the known one, and can be relaxed', async () => {
      const target = await offeringPeer();
      const other = createNodePeer({
        certificate: await createDtlsCertificate(),
        interfaceAddresses: [HOST],
      });
      const client = await StunClient.open(HOST);
      try {
        await other.setRemoteDescription(target.pc.localDescription ?? { type: 'offer', sdp: '' });
        await other.setLocalDescription(await other.createAnswer());
        const answer = other.localDescription;
        if (!answer) throw new Error('no answer');
        await target.pc.setRemoteDescription(answer);
        const remoteUfrag = /a=ice-ufrag:(\S+)/.exec(answer.sdp)?.[1];
        const ask = async (username: string) => {
          const { bytes, txid } = bindingRequest({ username, integrityKey: target.pwd });
          return client.request(bytes, txid, HOST, target.port);
        };
        expect((await ask(`${target.ufrag}:${remoteUfrag}`))?.type).toBe(BINDING_SUCCESS);
        const wrong = await ask(`${target.ufrag}:intruder`);
        expect(wrong?.type).toBe(BINDING_ERROR);
        expect(wrong?.errorCode).toBe(401);
        // The direct-connect device, whose remote ufrag is a placeholder, switches the right-half check off.
        const connection = target.pc.iceTransports[0]?.connection;
        if (!connection) throw new Error('no ICE connection');
        connection.verifyRemoteUsername = false;
        expect((await ask(`${target.ufrag}:intruder`))?.type).toBe(BINDING_SUCCESS);
      } finally {
        await client.close();
        await Promise.all([target.pc.close(), other.close()]);
      }
    });
  },
);
