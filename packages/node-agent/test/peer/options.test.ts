/** createNodePeer refuses options it cannot honour before any socket exists. */
import { InvalidArgumentError } from '@lanrtc/signal-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDtlsCertificate,
  createNodePeer,
  type DtlsCertificate,
  InterfaceNotFoundError,
  type NodePeerInit,
} from '../../src/index.js';

let certificate: DtlsCertificate;
beforeAll(async () => {
  certificate = await createDtlsCertificate();
});

describe('createNodePeer options', () => {
  const bad: [string, () => Omit<NodePeerInit, 'certificate'>, new (...a: never[]) => Error][] = [
    ['an empty interface list', () => ({ interfaceAddresses: [] }), InvalidArgumentError],
    ['a non-IP interface address', () => ({ interfaceAddresses: ['eth0'] }), InvalidArgumentError],
    [
      'an address no interface has (TEST-NET-1)',
      () => ({ interfaceAddresses: ['192.0.2.1'] }),
      InterfaceNotFoundError,
    ],
    ['two IPv4 addresses', () => ({ interfaceAddresses: ['127.0.0.1', '127.0.0.1'] }), InvalidArgumentError],
    ['a port range with min = max', () => ({ portRange: [5000, 5000] }), InvalidArgumentError],
    ['a port range with min > max', () => ({ portRange: [6000, 5000] }), InvalidArgumentError],
    ['port 0', () => ({ portRange: [0, 10] }), InvalidArgumentError],
    ['a port above 65535', () => ({ portRange: [65535, 65536] }), InvalidArgumentError],
    ['a fractional port', () => ({ portRange: [5000.5, 5001] }), InvalidArgumentError],
    ['no video codec', () => ({ videoCodecs: [] }), InvalidArgumentError],
    ['an unknown video codec', () => ({ videoCodecs: ['av1' as 'vp8'] }), InvalidArgumentError],
    ['a video codec twice', () => ({ videoCodecs: ['h264', 'h264'] }), InvalidArgumentError],
  ];
  it.each(bad)('rejects %s', (_name, make, error) => {
    const init = { certificate, ...make() };
    expect(() => createNodePeer(init)).toThrow(error);
  });

  it('accepts loopback and a valid port range, and pins the certificate', async () => {
    const pc = createNodePeer({ certificate, interfaceAddresses: ['127.0.0.1'], portRange: [40000, 40010] });
    try {
      expect(pc.config.iceServers).toEqual([]);
      expect(pc.config.dtls.keys?.certPem).toBe(certificate.certPem);
      expect(pc.config.icePortRange).toEqual([40000, 40010]);
      expect(pc.config.iceAdditionalHostAddresses).toEqual(['127.0.0.1']);
      expect(pc.config.iceUseIpv4).toBe(false);
    } finally {
      await pc.close();
    }
  });

  it('offers the video codecs asked for, in that order, and keeps the default audio codecs', async () => {
    const pc = createNodePeer({
      certificate,
      interfaceAddresses: ['127.0.0.1'],
      videoCodecs: ['h264', 'vp8'],
    });
    try {
      expect(pc.config.codecs.video?.map((c) => c.mimeType)).toEqual(['video/H264', 'video/VP8']);
      expect(pc.config.codecs.video?.[0]?.parameters).toContain('packetization-mode=1');
      expect(pc.config.codecs.audio?.map((c) => c.mimeType)).toEqual(['audio/OPUS', 'audio/PCMU']);
      pc.addTransceiver('video', { direction: 'recvonly' });
      const sdp = (await pc.createOffer()).sdp;
      expect(sdp).toMatch(/a=rtpmap:\d+ H264\/90000[\s\S]*a=rtpmap:\d+ VP8\/90000/);
    } finally {
      await pc.close();
    }
  });
});
