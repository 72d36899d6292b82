/**
 * How the responder answers (RFC 6762 §5.4 QU, §6 multicast, §6.7 legacy unicast, §7.1 known-answer
 * suppression), observed with raw sockets in the runner's namespace. Port 25354 isolates this file.
 */
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket, { type DecodedPacket, type Packet } from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { type Announcement, announce } from '../src/index.js';
import { IFACES, IN_NETNS, newCard, sleep, verifyTestCard } from './support.js';

const mdnsPort = 25354;
const GROUP = '224.0.0.251';
const ADDR = '10.77.0.1';
const sockets: Socket[] = [];
const ads: Announcement[] = [];

afterEach(async () => {
  await Promise.all(ads.splice(0).map((a) => a.close()));
  await Promise.all(sockets.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A raw socket that records what it receives. */
async function rawSocket(bindAddress: string, port: number, join: boolean) {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  sockets.push(socket);
  const received: Array<{ packet: DecodedPacket; port: number }> = [];
  socket.on('message', (buf, rinfo) => {
    try {
      received.push({ packet: dnsPacket.decode(buf), port: rinfo.port });
    } catch {
      // not a DNS packet: irrelevant here
    }
  });
  await new Promise<void>((r) => socket.bind(port, bindAddress, () => r()));
  if (join) socket.addMembership(GROUP, ADDR);
  socket.setMulticastInterface(ADDR);
  const send = (bytes: Uint8Array) =>
    new Promise<void>((r) => socket.send(bytes, mdnsPort, GROUP, () => r()));
  return { socket, received, send };
}

const ptrQuery = (extra: Partial<Packet> = {}) =>
  dnsPacket.encode({
    type: 'query',
    id: 0,
    questions: [{ name: '_lanrtc._udp.local', type: 'PTR' }],
    ...extra,
  });

/** The same PTR question with the unicast-response bit (RFC 6762 §5.4). */
const quPtrQuery = () => ptrQuery({ questions: [{ name: '_lanrtc._udp.local', type: 'PTR', qu: true }] });

const answersFor = (received: Array<{ packet: DecodedPacket }>, instance: string) =>
  received.filter((r) =>
    (r.packet.answers ?? []).some((a) => a.type === 'PTR' && a.data === `${instance}._lanrtc._udp.local`),
  );

describe.skipIf(!IN_NETNS)('responder (netns)', () => {
  async function announced(name: string) {
    const ad = await announce({
      card: newCard(name, ['game']).card,
      verifyCard: verifyTestCard,
      instanceName: name,
      port: 5000,
      interfaces: IFACES,
      mdnsPort,
      handleSignals: false,
    });
    ads.push(ad);
    await sleep(2200); // both announcements (§8.3) and the §6 one-per-second limit after the second are over
    return ad;
  }

  it('answers a QM question by multicast and a QU question by unicast to port 5353', async () => {
    await announced('Q');
    const observer = await rawSocket('0.0.0.0', mdnsPort, true);
    // Bound to the exact address, this socket gets unicast to ADDR:mdnsPort but no multicast.
    const querier = await rawSocket(ADDR, mdnsPort, false);

    await querier.send(ptrQuery());
    await sleep(400);
    expect(answersFor(observer.received, 'Q').length).toBe(1);
    expect(answersFor(querier.received, 'Q').length).toBe(0);

    observer.received.length = 0;
    await querier.send(quPtrQuery());
    await sleep(400);
    expect(answersFor(querier.received, 'Q').length).toBe(1);
    expect(answersFor(observer.received, 'Q').length).toBe(0);
  });

  it('probes without the QU bit while another socket shares the mDNS port (§8.1, §15.1)', async () => {
    const observer = await rawSocket('0.0.0.0', mdnsPort, true);
    await announced('S');
    const probes = observer.received.filter((r) => r.packet.type === 'query' && r.packet.authorities?.length);
    expect(probes.length).toBe(3);
    for (const p of probes) expect(p.packet.questions?.map((q) => q.qu === true)).toEqual([false, false]);
  });

  it('answers a legacy query from a random port by unicast to that port (§6.7)', async () => {
    await announced('L');
    const legacy = await rawSocket(ADDR, 0, false);
    await legacy.send(ptrQuery({ id: 4242 }));
    await sleep(400);
    const [reply] = answersFor(legacy.received, 'L');
    expect(reply).toBeDefined();
    expect(reply?.packet.id).toBe(4242);
    expect(reply?.packet.questions?.[0]?.name).toBe('_lanrtc._udp.local');
    const records = [...(reply?.packet.answers ?? []), ...(reply?.packet.additionals ?? [])];
    expect(records.length).toBeGreaterThan(3);
    for (const r of records) {
      expect('ttl' in r && r.ttl).toBeLessThanOrEqual(10);
      expect('flush' in r && r.flush).toBe(false);
    }
  });

  it('suppresses an answer the querier already knows (§7.1)', async () => {
    await announced('K');
    const legacy = await rawSocket(ADDR, 0, false);
    const known = {
      name: '_lanrtc._udp.local',
      type: 'PTR' as const,
      ttl: 4500,
      data: 'K._lanrtc._udp.local',
    };
    await legacy.send(ptrQuery({ id: 1, answers: [known] }));
    await sleep(400);
    expect(answersFor(legacy.received, 'K').length).toBe(0);
    // With less than half the TTL left, the answer comes.
    await legacy.send(ptrQuery({ id: 2, answers: [{ ...known, ttl: 100 }] }));
    await sleep(400);
    expect(answersFor(legacy.received, 'K').length).toBe(1);
  });

  it('announces with cache-flush bits on unique records only and says goodbye with TTL 0', async () => {
    const observer = await rawSocket('0.0.0.0', mdnsPort, true);
    const ad = await announced('G');
    const announcement = answersFor(observer.received, 'G')[0]?.packet;
    const flushOf = (type: string) =>
      announcement?.answers?.filter((a) => a.type === type).map((a) => 'flush' in a && a.flush);
    expect(flushOf('SRV')).toEqual([true]);
    expect(flushOf('TXT')).toEqual([true]);
    expect(flushOf('A')).toEqual([true]);
    expect(new Set(flushOf('PTR'))).toEqual(new Set([false]));
    const ptrNames = announcement?.answers?.filter((a) => a.type === 'PTR').map((a) => a.name);
    expect(ptrNames).toContain('_game._sub._lanrtc._udp.local');
    expect(ptrNames).toContain('_services._dns-sd._udp.local');
    observer.received.length = 0;
    await ad.close();
    await sleep(200);
    const goodbye = answersFor(observer.received, 'G')[0]?.packet;
    expect(goodbye?.answers?.every((a) => 'ttl' in a && a.ttl === 0)).toBe(true);
  });
});
