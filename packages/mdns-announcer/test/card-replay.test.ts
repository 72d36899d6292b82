/**
 * A valid card replayed under another instance name, with the replayer's own SRV and A records:
 * the browser connects callers to the card's signed candidates, never to the replayer's address,
 * and while the genuine instance is up the replay is not listed at all. A raw socket plays the
 * replayer. Port 25362 keeps this file apart from others.
 */
import { createSocket, type Socket } from 'node:dgram';
import { type Card, createCard, createIdentity, openCard } from '@lanrtc/signal-core';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { type Announcement, announce, type Browser, browse } from '../src/index.js';
import { encodeServiceTxt } from '../src/txt.js';
import { IFACES, IN_NETNS, Recorder, sleep } from './support.js';

const mdnsPort = 25362;
const GROUP = '224.0.0.251';
const ADDR = '10.77.0.1';
const EVIL = '10.77.0.66';
const open: Array<Announcement | Browser> = [];
let sender: Socket | undefined;

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
  const s = sender;
  sender = undefined;
  if (s) await new Promise<void>((r) => s.close(() => r()));
});

const common = { interfaces: IFACES, mdnsPort, handleSignals: false } as const;

function signedCard(name: string): Uint8Array {
  return createCard(createIdentity(), {
    name,
    deviceTypes: ['game'],
    fingerprint: new Uint8Array(32).fill(1),
    ice: { ufrag: 'f00d', pwd: 'aaaabbbbccccddddeeeeffff' },
    candidates: [{ address: ADDR, port: 4200 }],
  });
}

/** Sends `card` as instance `instance` on host evil.local at EVIL:9, from the mDNS port. */
async function replay(card: Uint8Array, instance: string): Promise<void> {
  if (!sender) {
    const s = createSocket({ type: 'udp4', reuseAddr: true });
    await new Promise<void>((r) => s.bind(mdnsPort, '0.0.0.0', () => r()));
    s.setMulticastInterface(ADDR);
    sender = s;
  }
  const fqdn = `${instance}._lanrtc._udp.local`;
  const bytes = dnsPacket.encode({
    type: 'response',
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    answers: [
      { name: '_lanrtc._udp.local', type: 'PTR', ttl: 4500, data: fqdn },
      { name: fqdn, type: 'SRV', ttl: 120, data: { target: 'evil.local', port: 9, priority: 0, weight: 0 } },
      { name: fqdn, type: 'TXT', ttl: 4500, data: encodeServiceTxt(card, openCard(card)) },
      { name: 'evil.local', type: 'A', ttl: 120, data: EVIL },
    ],
  });
  const s = sender;
  await new Promise<void>((r) => s.send(bytes, mdnsPort, GROUP, () => r()));
}

describe.skipIf(!IN_NETNS)('a card replayed under another name (netns)', () => {
  it("offers the card's signed candidates, not the replayer's SRV/A", async () => {
    const browser = await browse<Card>({ ...common });
    open.push(browser);
    const rec = new Recorder(browser);
    const card = signedCard('Lonely');
    await replay(card, 'Evil copy');
    const up = await rec.waitFor((e) => e.instance === 'Evil copy', 3000, 'replay up');
    expect(up.addresses).toEqual([EVIL]); // what the replayer answered, unsigned
    expect(up.candidates).toEqual([{ address: ADDR, port: 4200 }]); // what the card says
  });

  it('does not list the replay while the genuine instance is up', async () => {
    const browser = await browse<Card>({ ...common });
    open.push(browser);
    const rec = new Recorder(browser);
    const card = signedCard('Genuine');
    open.push(await announce({ ...common, card, instanceName: 'Genuine', port: 4200 }));
    await rec.waitFor((e) => e.type === 'up' && e.instance === 'Genuine', 3000, 'genuine up');
    await replay(card, 'Genuine copy');
    await sleep(1000);
    await replay(card, 'Genuine copy');
    await sleep(1500);
    expect(rec.events.filter((e) => e.instance === 'Genuine copy' && e.type === 'up')).toEqual([]);
    expect(browser.services().map((s) => s.instance)).toEqual(['Genuine']);
    expect(browser.services()[0]?.candidates).toEqual([{ address: ADDR, port: 4200 }]);
  });
});
