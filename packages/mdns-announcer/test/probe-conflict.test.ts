/**
 * Probing against a defender (RFC 6762 §8.1, §9): one reply that claims both the instance name and
 * the host name must rename both. A raw socket in the runner's namespace plays the defender. Port
 * 25359 isolates this file.
 */
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { type Announcement, announce } from '../src/index.js';
import { IFACES, IN_NETNS, newCard, verifyTestCard } from './support.js';

const mdnsPort = 25359;
const GROUP = '224.0.0.251';
const ADDR = '10.77.0.1';
const sockets: Socket[] = [];
const ads: Announcement[] = [];

afterEach(async () => {
  await Promise.all(ads.splice(0).map((a) => a.close()));
  await Promise.all(sockets.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/**
 * A defender that answers the first probe naming `instance` and `host` with one response holding
 * an SRV on the instance and an A on the host, both with data that differs from the prober's.
 */
async function defender(instance: string, host: string) {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  sockets.push(socket);
  let replies = 0;
  socket.on('message', (buf) => {
    let packet: DecodedPacket;
    try {
      packet = dnsPacket.decode(buf);
    } catch {
      return; // not DNS: irrelevant here
    }
    if (packet.type !== 'query' || replies > 0) return;
    const names = (packet.questions ?? []).map((q) => q.name.toLowerCase());
    if (!names.includes(instance.toLowerCase()) || !names.includes(host.toLowerCase())) return;
    replies++;
    const reply = dnsPacket.encode({
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      answers: [
        { name: instance, type: 'SRV', ttl: 120, data: { port: 9, target: 'other-host.local' } },
        { name: host, type: 'A', ttl: 120, data: '10.77.0.99' },
      ],
    });
    socket.send(reply, mdnsPort, GROUP);
  });
  await new Promise<void>((r) => socket.bind(mdnsPort, '0.0.0.0', () => r()));
  socket.addMembership(GROUP, ADDR);
  socket.setMulticastInterface(ADDR);
  return { replies: () => replies };
}

describe.skipIf(!IN_NETNS)('probing (netns)', () => {
  it('renames both the instance and the host when one reply claims both', async () => {
    const d = await defender('Taken._lanrtc._udp.local', 'taken-host.local');
    const ad = await announce({
      card: newCard('Taken', ['game']).card,
      verifyCard: verifyTestCard,
      instanceName: 'Taken',
      hostName: 'taken-host',
      port: 5000,
      interfaces: IFACES,
      mdnsPort,
      handleSignals: false,
    });
    ads.push(ad);
    expect(d.replies()).toBe(1);
    expect(ad.name).toBe('Taken (2)');
    expect(ad.hostName).toBe('taken-host-2');
  });
});
