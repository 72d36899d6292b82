/**
 * Remote `.local` candidates: werift would resolve them with an mDNS query on every interface.
 * createNodePeer drops them unless a resolver is given, and keeps that choice across ICE restarts.
 */
import { describe, expect, it, vi } from 'vitest';
import { Candidate, type RTCPeerConnection } from 'werift';
import { createDtlsCertificate, createNodePeer } from '../../src/index.js';

const LOCAL = 'candidate:1 1 udp 2122260223 0b7c4c5e-5d2a-4a55-9c1e-1f0c2a7e9d11.local 50000 typ host';

function iceConnection(pc: RTCPeerConnection) {
  pc.createDataChannel('x'); // creates the ICE transport
  const connection = pc.iceTransports[0]?.connection;
  if (!connection) throw new Error('no ICE transport');
  return connection;
}

describe('remote .local candidates', () => {
  it('are dropped without a resolver, and no mDNS socket is made', async () => {
    const pc = createNodePeer({ certificate: await createDtlsCertificate() });
    try {
      const connection = iceConnection(pc);
      await connection.addRemoteCandidate(Candidate.fromSdp(LOCAL));
      expect(connection.remoteCandidates).toEqual([]);
      expect(connection.lookup).not.toHaveProperty('mdnsInstance');
      Object.assign(connection, { lookup: undefined }); // what werift's ICE restart does
      expect(connection.lookup).toBeDefined();
    } finally {
      await pc.close();
    }
  });

  it('go through the given resolver, whose answer must be an IP address', async () => {
    const resolve = vi.fn(async (host: string) => (host.startsWith('0b7c') ? '10.77.0.9' : 'not-an-ip'));
    const pc = createNodePeer({ certificate: await createDtlsCertificate(), resolveLocalHostname: resolve });
    try {
      const connection = iceConnection(pc);
      await connection.addRemoteCandidate(Candidate.fromSdp(LOCAL));
      await connection.addRemoteCandidate(Candidate.fromSdp(LOCAL.replace('0b7c', 'ffff')));
      expect(resolve).toHaveBeenCalledTimes(2);
      expect(connection.remoteCandidates.map((c) => `${c.host}:${c.port}`)).toEqual(['10.77.0.9:50000']);
    } finally {
      await pc.close();
    }
  });
});
