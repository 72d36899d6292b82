/**
 * Announce and browse in the runner's private network namespace: several multicast-dns sockets on
 * one veth hear each other through multicast loopback. Port 25353 keeps this file apart from others.
 */
import { createCard, createIdentity } from '@lanrtc/signal-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Announcement, announce, type Browser, browse, CardTooLargeError } from '../src/index.js';
import { IFACES, IN_NETNS, makeCard, newCard, Recorder, sleep, verifyTestCard } from './support.js';

const mdnsPort = 25353;
const open: Array<Announcement | Browser> = [];
const track = <T extends Announcement | Browser>(x: T): T => {
  open.push(x);
  return x;
};

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

const common = { interfaces: IFACES, mdnsPort, handleSignals: false, verifyCard: verifyTestCard } as const;

describe.skipIf(!IN_NETNS)('announce + browse (netns)', () => {
  it('a browser sees an announced card go up within about a second', async () => {
    const browser = track(await browse({ ...common }));
    const rec = new Recorder(browser);
    const { card } = newCard('Hall', ['doorbell']);
    const started = performance.now();
    const ad = track(await announce({ ...common, card, instanceName: 'Hall', port: 4000 }));
    const up = await rec.waitFor((e) => e.type === 'up' && e.instance === 'Hall', 3000, 'up');
    const latency = performance.now() - started;
    console.log(
      `announce→discovered latency: ${latency.toFixed(0)} ms (includes ~0.5–1 s of RFC 6762 §8.1 probing)`,
    );
    expect(ad.name).toBe('Hall');
    expect(up.port).toBe(4000);
    expect(up.addresses).toContain('10.77.0.1');
    expect(up.host).toBe(`${ad.hostName}.local`);
    expect(up.card.name).toBe('Hall');
    expect(up.cardBytes).toEqual(card);
    expect(latency).toBeLessThan(2000);
    expect(browser.services().map((s) => s.instance)).toContain('Hall');
  });

  it('a browser started after the announcement finds it by querying', async () => {
    const { card } = newCard('Late', ['game']);
    track(await announce({ ...common, card, instanceName: 'Late', port: 4001 }));
    await sleep(1500); // both announcements are over
    const browser = track(await browse({ ...common }));
    const rec = new Recorder(browser);
    const up = await rec.waitFor((e) => e.type === 'up' && e.instance === 'Late', 2000, 'up');
    expect(up.port).toBe(4001);
  });

  it('update() with a new card yields update; close() yields down through the goodbye', async () => {
    const browser = track(await browse({ ...common }));
    const rec = new Recorder(browser);
    const identity = createIdentity();
    const first = makeCard(identity, { name: 'Rot', deviceTypes: ['files'] });
    const second = makeCard(identity, { name: 'Rot', deviceTypes: ['files'], padding: 8 });
    const ad = track(await announce({ ...common, card: first, instanceName: 'Rot', port: 4002 }));
    await rec.waitFor((e) => e.type === 'up' && e.instance === 'Rot', 3000, 'up');
    await ad.update(second);
    const updated = await rec.waitFor((e) => e.type === 'update' && e.instance === 'Rot', 3000, 'update');
    expect(updated.cardBytes).toEqual(second);
    const closedAt = performance.now();
    await ad.close();
    await rec.waitFor((e) => e.type === 'down' && e.instance === 'Rot', 3000, 'down');
    // RFC 6762 §10.1: a goodbye removes the record one second later.
    expect(performance.now() - closedAt).toBeLessThan(2000);
  });

  it('keeps a live service up across several TTLs, then sees a silent death go down', async () => {
    const browser = track(await browse({ ...common }));
    const rec = new Recorder(browser);
    const { card } = newCard('Short', ['game']);
    const ad = track(
      await announce({ ...common, card, instanceName: 'Short', port: 4003, ttl: { host: 2, service: 2 } }),
    );
    await rec.waitFor((e) => e.type === 'up' && e.instance === 'Short', 3000, 'up');
    await sleep(5000); // 2.5 TTLs: only the §5.2 re-queries keep it alive
    expect(rec.events.filter((e) => e.instance === 'Short' && e.type === 'down')).toEqual([]);
    const diedAt = performance.now();
    await ad.close({ goodbye: false });
    await rec.waitFor((e) => e.type === 'down' && e.instance === 'Short', 4000, 'down after expiry');
    expect(performance.now() - diedAt).toBeGreaterThan(500);
  }, 15_000);

  it('a subtype browser never sees other device types', async () => {
    const doorbells = track(await browse({ ...common, deviceType: 'doorbell' }));
    const all = track(await browse({ ...common }));
    const recDoor = new Recorder(doorbells);
    const recAll = new Recorder(all);
    track(
      await announce({
        ...common,
        card: newCard('Bell', ['doorbell']).card,
        instanceName: 'Bell',
        port: 4004,
      }),
    );
    track(
      await announce({
        ...common,
        card: newCard('Console', ['game']).card,
        instanceName: 'Console',
        port: 4005,
      }),
    );
    await recDoor.waitFor((e) => e.type === 'up' && e.instance === 'Bell', 3000, 'doorbell up');
    await recAll.waitFor((e) => e.type === 'up' && e.instance === 'Console', 3000, 'game up (all)');
    await sleep(1500);
    expect(recDoor.events.some((e) => e.instance === 'Console')).toBe(false);
    expect(recDoor.events.every((e) => e.card.deviceTypes.includes('doorbell'))).toBe(true);
  });

  it('two announcers with one instance name: one becomes "Name (2)", both are discoverable', async () => {
    const browser = track(await browse({ ...common }));
    const rec = new Recorder(browser);
    const [a, b] = await Promise.all([
      announce({ ...common, card: newCard('Twin', ['game']).card, instanceName: 'Twin', port: 4006 }).then(
        track,
      ),
      announce({ ...common, card: newCard('Twin', ['game']).card, instanceName: 'Twin', port: 4007 }).then(
        track,
      ),
    ]);
    expect([a.name, b.name].sort()).toEqual(['Twin', 'Twin (2)']);
    await rec.waitFor((e) => e.type === 'up' && e.instance === 'Twin', 3000, 'Twin up');
    await rec.waitFor((e) => e.type === 'up' && e.instance === 'Twin (2)', 3000, 'Twin (2) up');
    // A third one that arrives later, after both are established, is renamed too.
    const c = track(
      await announce({ ...common, card: newCard('Twin', []).card, instanceName: 'Twin', port: 4008 }),
    );
    expect(c.name).toBe('Twin (3)');
  });

  it('a forged card (valid format, wrong signature) is never yielded and is counted', async () => {
    const browser = track(await browse({ ...common }));
    const rec = new Recorder(browser);
    const victim = createIdentity();
    const attacker = createIdentity();
    const forged = makeCard(attacker, { name: 'Evil', deviceTypes: ['doorbell'] });
    // Splice the victim's public key into the attacker's card: same format, wrong signature.
    forged.set(victim.publicKey, 0);
    // The announcer checks its own card, so publish through a verifier that accepts anything.
    const lax = (bytes: Uint8Array) => ({
      id: 'x',
      name: 'Evil',
      deviceTypes: ['doorbell'],
      expiresAt: 2 ** 31,
      bytes,
    });
    track(await announce({ ...common, verifyCard: lax, card: forged, instanceName: 'Evil', port: 4009 }));
    await sleep(2500);
    expect(rec.events.some((e) => e.instance === 'Evil')).toBe(false);
    expect(browser.stats.unverified).toBeGreaterThanOrEqual(1);
    expect(browser.services().some((s) => s.instance === 'Evil')).toBe(false);
  });

  it('an expired card is counted as expired, never yielded', async () => {
    const browser = track(await browse({ ...common }));
    const rec = new Recorder(browser);
    const { card } = newCard('Old', ['game'], Math.floor(Date.now() / 1000) + 3600);
    track(await announce({ ...common, card, instanceName: 'Old', port: 4010 }));
    await rec.waitFor((e) => e.type === 'up' && e.instance === 'Old', 3000, 'up');
    // A second browser whose clock is two hours ahead sees the card as expired.
    const future = track(await browse({ ...common, now: () => Date.now() + 7_200_000 }));
    const recFuture = new Recorder(future);
    await sleep(2500);
    expect(recFuture.events.some((e) => e.instance === 'Old')).toBe(false);
    expect(future.stats.expired).toBeGreaterThanOrEqual(1);
  });
});

describe.skipIf(!IN_NETNS)('with real signal-core cards (netns)', () => {
  it('announces and discovers a createCard card through the default openCard verifier', async () => {
    const identity = createIdentity();
    const card = createCard(identity, {
      name: 'Real door',
      deviceTypes: ['doorbell'],
      fingerprint: new Uint8Array(32).fill(7),
      ice: { ufrag: 'abcd', pwd: 'abcdefghijklmnopqrstuv' },
      candidates: [{ address: '10.77.0.1', port: 40000 }],
    });
    expect(card.length).toBeLessThanOrEqual(250);
    const browser = track(await browse({ interfaces: IFACES, mdnsPort, deviceType: 'doorbell' }));
    const rec = new Recorder(browser);
    track(await announce({ card, port: 40000, interfaces: IFACES, mdnsPort, handleSignals: false }));
    const up = await rec.waitFor((e) => e.type === 'up' && e.instance === 'Real door', 3000, 'up');
    expect(up.card.id).toBe(identity.id);
    expect(up.card.name).toBe('Real door');
  });

  it('refuses to announce a card that does not fit one TXT string', async () => {
    const card = new Uint8Array(251);
    const lax = () => ({ id: 'x', name: 'Big', deviceTypes: [], expiresAt: 2 ** 31 });
    await expect(
      announce({ card, verifyCard: lax, port: 1, interfaces: IFACES, mdnsPort, handleSignals: false }),
    ).rejects.toThrow(CardTooLargeError);
  });
});

describe.skipIf(!IN_NETNS)('cleanup (netns)', () => {
  it('leaves no socket open once everything is closed', async () => {
    const browser = await browse({ verifyCard: verifyTestCard, interfaces: IFACES, mdnsPort });
    const ad = await announce({ ...common, card: newCard('Bye', []).card, instanceName: 'Bye', port: 4100 });
    expect(process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length).toBeGreaterThanOrEqual(2);
    await Promise.all([browser.close(), ad.close()]);
    await sleep(50);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap')).toEqual([]);
  });
});
