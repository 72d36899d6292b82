/**
 * Hostile input against a browser: malformed packets, garbled or oversized TXT, forged cards and a
 * flood. Each is dropped and counted; nothing crashes and memory stays bounded. Port 25355.
 */

import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket, { type Answer } from 'dns-packet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Announcement, announce, type Browser, browse, type MdnsStats } from '../src/index.js';
import { IFACES, IN_NETNS, newCard, Recorder, sleep, verifyTestCard } from './support.js';

const mdnsPort = 25355;
const GROUP = '224.0.0.251';
const ADDR = '10.77.0.1';
let sender: Socket;
const open: Array<Browser | Announcement> = [];

beforeEach(async () => {
  if (!IN_NETNS) return;
  sender = createSocket({ type: 'udp4', reuseAddr: true });
  // Responses must come from the mDNS port (RFC 6762 §6), so the attacker sends from it too.
  await new Promise<void>((r) => sender.bind(mdnsPort, '0.0.0.0', () => r()));
  sender.setMulticastInterface(ADDR);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
  if (IN_NETNS) await new Promise<void>((r) => sender.close(() => r()));
});

const send = (bytes: Uint8Array) => new Promise<void>((r) => sender.send(bytes, mdnsPort, GROUP, () => r()));

/** A response announcing `instance` with the given TXT strings. */
function service(instance: string, txt: Buffer[] | Buffer): Buffer {
  const fqdn = `${instance}._lanrtc._udp.local`;
  const answers: Answer[] = [
    { name: '_lanrtc._udp.local', type: 'PTR', ttl: 120, data: fqdn },
    { name: fqdn, type: 'SRV', ttl: 120, data: { target: 'evil.local', port: 1, priority: 0, weight: 0 } },
    { name: fqdn, type: 'TXT', ttl: 120, data: txt },
    { name: 'evil.local', type: 'A', ttl: 120, data: ADDR },
  ];
  return dnsPacket.encode({ type: 'response', flags: dnsPacket.AUTHORITATIVE_ANSWER, answers });
}

const valid = service('ok', [Buffer.from('v=1')]);
const b = (s: string) => Buffer.from(s);

const table: Array<{ what: string; packet: Buffer; counter: keyof MdnsStats }> = [
  { what: 'random bytes', packet: randomBytes(64), counter: 'malformed' },
  { what: 'truncated packet', packet: valid.subarray(0, valid.length - 7), counter: 'malformed' },
  // Unpatched dns-packet decoded this one without error, as an A record `10.undefined.undefined.undefined`.
  { what: 'truncated A record', packet: valid.subarray(0, valid.length - 3), counter: 'malformed' },
  {
    what: 'header claims 100 answers',
    packet: Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 100, 0, 0, 0, 0]),
    counter: 'malformed',
  },
  {
    what: 'forward compression pointer',
    packet: Buffer.concat([Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0]), Buffer.from([0xc0, 0x20])]),
    counter: 'malformed',
  },
  { what: 'TXT without a card', packet: service('nocard', [b('v=1'), b('id=x')]), counter: 'malformed' },
  { what: 'TXT of unknown version', packet: service('v9', [b('v=9'), b('c=abc')]), counter: 'malformed' },
  {
    what: 'TXT card over 250 bytes',
    packet: service('big', [b('v=1'), Buffer.concat([b('c='), randomBytes(253)])]),
    counter: 'malformed',
  },
  {
    what: 'TXT with 40 strings',
    packet: service('many', [b('v=1'), ...Array.from({ length: 39 }, () => b('x=1'))]),
    counter: 'malformed',
  },
  {
    what: 'TXT card of random bytes',
    packet: service('garbage', [b('v=1'), Buffer.concat([b('c='), randomBytes(120)])]),
    counter: 'unverified',
  },
  {
    what: 'PTR to a name outside the service type',
    packet: dnsPacket.encode({
      type: 'response',
      answers: [{ name: '_lanrtc._udp.local', type: 'PTR', ttl: 120, data: 'a.b._lanrtc._udp.local' }],
    }),
    counter: 'malformed',
  },
];

describe.skipIf(!IN_NETNS)('hostile input (netns)', () => {
  it.each(table)('$what → dropped, counted as $counter', async ({ packet, counter }) => {
    const browser = await browse({ verifyCard: verifyTestCard, interfaces: IFACES, mdnsPort });
    open.push(browser);
    const rec = new Recorder(browser);
    const before = browser.stats[counter];
    await send(packet);
    await sleep(300);
    expect(browser.stats[counter]).toBeGreaterThan(before);
    expect(rec.events).toEqual([]);
  });

  it('survives a flood of 5000 packets with bounded memory, then still discovers a real service', async () => {
    const browser = await browse({
      verifyCard: verifyTestCard,
      interfaces: IFACES,
      mdnsPort,
      maxRecords: 256,
      maxServices: 64,
      maxPacketsPerSecond: 300,
    });
    open.push(browser);
    const rec = new Recorder(browser);
    const heapBefore = process.memoryUsage().heapUsed;
    const packets = Array.from({ length: 5000 }, (_, i) =>
      i % 5 === 0
        ? randomBytes(40)
        : service(`flood-${i}`, [b('v=1'), Buffer.concat([b('c='), randomBytes(100)])]),
    );
    const started = performance.now();
    for (let i = 0; i < packets.length; i += 100) {
      await Promise.all(packets.slice(i, i + 100).map(send));
      // Paced just enough that the kernel's receive buffer does not drop most of them.
      await new Promise((r) => setImmediate(r));
    }
    const sentIn = performance.now() - started;
    await sleep(500);
    const s = browser.stats;
    console.log(`flood: 5000 packets sent in ${sentIn.toFixed(0)} ms; stats ${JSON.stringify(s)}`);
    expect(s.packets + s.malformed).toBeGreaterThan(1000);
    expect(s.flooded).toBeGreaterThan(0); // the per-link rate limit engaged
    expect(s.malformed).toBeGreaterThan(0);
    expect(s.evicted).toBeGreaterThan(0); // the service and record caps were hit, not grown past
    expect(rec.events).toEqual([]);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);

    await sleep(1000); // the flood's rate window is over
    const ad: Announcement = await announce({
      card: newCard('After', ['game']).card,
      verifyCard: verifyTestCard,
      instanceName: 'After',
      port: 6000,
      interfaces: IFACES,
      mdnsPort,
      handleSignals: false,
    });
    open.push(ad);
    const up = await rec.waitFor((e) => e.type === 'up' && e.instance === 'After', 3000, 'real service up');
    expect(up.port).toBe(6000);
  }, 30_000);
});
