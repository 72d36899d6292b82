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
});
