/**
 * Probing against a defender (RFC 6762 §8.1, §9): a reply that really claims the instance name (a
 * TXT with another identity's valid card) renames it; an SRV alone, a mangled card or an A record
 * that is not its sender's own address claims nothing. A raw socket in the runner's namespace plays
 * the defender (same address as the prober, so host-name claims are covered by test/lan/attack).
 * Port 25359 isolates this file.
 */
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { type Announcement, announce } from '../src/index.js';
import { encodeServiceTxt } from '../src/txt.js';
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

/** A TXT record's strings for a fresh identity's valid card, with one card byte flipped if `mangle`. */
function foreignTxt(mangle: boolean): Buffer[] {
  const { card } = newCard('Taken', ['game']);
  const txt = encodeServiceTxt(card, verifyTestCard(card, Math.floor(Date.now() / 1000)));
  if (!mangle) return txt;
  const last = Buffer.from(txt.at(-1) ?? []);
  last[last.length - 1] = (last[last.length - 1] ?? 0) ^ 0x01;
  return [...txt.slice(0, -1), last];
}

/**
 * A defender that answers the first probe naming `instance` and `host` with one response holding
 * an SRV (and, if given, a TXT) on the instance and an A on the host, all with data that differs
 * from the prober's.
 */
async function defender(instance: string, host: string, txt?: Buffer[]) {
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
        ...(txt ? [{ name: instance, type: 'TXT' as const, ttl: 120, data: txt }] : []),
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

async function probeTaken(): Promise<Announcement> {
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
  return ad;
}

describe.skipIf(!IN_NETNS)('probing (netns)', () => {
  it("renames the instance when a reply carries another identity's valid card", async () => {
    const d = await defender('Taken._lanrtc._udp.local', 'taken-host.local', foreignTxt(false));
    const ad = await probeTaken();
    expect(d.replies()).toBe(1);
    expect(ad.name).toBe('Taken (2)');
    // The A record is not its sender's own address: no claim on the host name.
    expect(ad.hostName).toBe('taken-host');
  });

  it.each([
    { what: 'an SRV alone', txt: undefined },
    { what: 'an SRV and a card with a flipped bit', txt: foreignTxt(true) },
  ])('keeps its names when the reply holds $what', async ({ txt }) => {
    const d = await defender('Taken._lanrtc._udp.local', 'taken-host.local', txt);
    const ad = await probeTaken();
    expect(d.replies()).toBe(1);
    expect(ad.name).toBe('Taken');
    expect(ad.hostName).toBe('taken-host');
  });

  it('an abort while probing rejects announce() with the abort reason', async () => {
    const controller = new AbortController();
    const pending = announce({
      card: newCard('Quit', ['game']).card,
      verifyCard: verifyTestCard,
      instanceName: 'Quit',
      port: 5000,
      interfaces: IFACES,
      mdnsPort,
      handleSignals: false,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('gave up')), 100); // probing takes at least 500 ms
    await expect(pending).rejects.toThrow('gave up');
  });
});
