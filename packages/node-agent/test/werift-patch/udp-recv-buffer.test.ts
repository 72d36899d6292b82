/**
 * werift patch §13 (docs/werift-patches.md): werift's UDP sockets ask for a 2 MiB receive buffer.
 * Stock werift kept the kernel default (net.core.rmem_default, 208 KiB here), which a bulk SCTP
 * transfer overflows: thousands of datagrams dropped and retransmitted per 100 MiB. ESM and
 * CommonJS builds; the kernel caps the request at net.core.rmem_max and reports twice the value set
 * (an unset socket reports rmem_default itself).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IN_NETNS } from '../peer/pair.js';
import { builds, connectPair, speedFixes } from './sctp-pair.js';

const sysctl = (name: string) => Number(readFileSync(`/proc/sys/net/core/${name}`, 'utf8'));
const WANT = 2 * 1024 * 1024;

interface SocketView {
  getRecvBufferSize(): number;
}

describe.skipIf(!IN_NETNS)('werift patch: UDP receive buffer (netns)', () => {
  for (const [name, w] of Object.entries(builds)) {
    it(`${name}: UdpTransport asks for 2 MiB; with the fixes switched off it keeps the kernel default`, async () => {
      const sizeOf = async () => {
        const t = await w.UdpTransport.init('udp4', { interfaceAddresses: { udp4: '10.77.0.1' } });
        try {
          return (t.socket as unknown as SocketView).getRecvBufferSize();
        } finally {
          await t.close();
        }
      };
      expect(await sizeOf()).toBeGreaterThanOrEqual(Math.min(WANT, sysctl('rmem_max')));
      speedFixes(false);
      try {
        // Control: the stock path, so the assertion above can tell the two apart.
        expect(await sizeOf()).toBe(sysctl('rmem_default'));
      } finally {
        speedFixes(true);
      }
    });

    it(`${name}: the ICE sockets of a real connection have it`, async () => {
      const pair = await connectPair(w);
      try {
        const ice = pair.offerer.iceTransports[0]?.connection as unknown as {
          protocols: { transport: { socket: SocketView } }[];
        };
        expect(ice.protocols.length).toBeGreaterThan(0);
        for (const p of ice.protocols) {
          expect(p.transport.socket.getRecvBufferSize()).toBeGreaterThanOrEqual(
            Math.min(WANT, sysctl('rmem_max')),
          );
        }
      } finally {
        await pair.close();
      }
    });
  }
});
