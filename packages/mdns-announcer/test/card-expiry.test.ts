/**
 * A card's signed expiry is checked for as long as its service is up, not only when it first
 * appears: a card that expires while its records are still fresh goes down, and the same
 * announcement sent again (a replay) does not bring it back. The browser's clock is skewed forward
 * instead of waiting for a real expiry. Port 25361 keeps this file apart from others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Announcement, announce, type Browser, browse } from '../src/index.js';
import { IFACES, IN_NETNS, newCard, Recorder, sleep, verifyTestCard } from './support.js';

const mdnsPort = 25361;
const open: Array<Announcement | Browser> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

const common = { interfaces: IFACES, mdnsPort, handleSignals: false, verifyCard: verifyTestCard } as const;

describe.skipIf(!IN_NETNS)('card expiry while up (netns)', () => {
  it('drops a card whose signed expiry passes while it is up, and does not list a replay of it', async () => {
    let skewMs = 0;
    const browser = await browse({ ...common, now: () => Date.now() + skewMs });
    open.push(browser);
    const rec = new Recorder(browser);
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    const { card } = newCard('Brief', ['game'], expiresAt);
    const ad = await announce({ ...common, card, instanceName: 'Brief', port: 4100 });
    open.push(ad);
    await rec.waitFor((e) => e.type === 'up' && e.instance === 'Brief', 3000, 'up');

    // Ten minutes on: the records' TTLs (120 s / 4500 s) are nowhere near over, the card is.
    skewMs = 601_000;
    const down = await rec.waitFor(
      (e) => e.type === 'down' && e.instance === 'Brief',
      2000,
      'down at expiry',
    );
    expect(down.card.expiresAt).toBe(expiresAt);
    expect(browser.services()).toEqual([]);
    expect(browser.stats.expired).toBeGreaterThanOrEqual(1);

    // The very same announcement again (the announcer re-sends its unchanged records).
    const seen = rec.events.length;
    await ad.update(card);
    await sleep(2500);
    expect(rec.events.slice(seen).filter((e) => e.instance === 'Brief')).toEqual([]);
    expect(browser.services()).toEqual([]);
  });

  it('does not list an old announcement of an expired card, even under a verifier that skips expiry', async () => {
    // Checks the signature only (clock at 0), so the browser's own expiry check is all that is left.
    const signatureOnly = (bytes: Uint8Array) => verifyTestCard(bytes, 0);
    const lax = { ...common, verifyCard: signatureOnly };
    const browser = await browse(lax);
    open.push(browser);
    const rec = new Recorder(browser);
    const old = newCard('Old', ['game'], Math.floor(Date.now() / 1000) - 60).card;
    open.push(await announce({ ...lax, card: old, instanceName: 'Old', port: 4101 }));
    // A valid card announced after it: once it is up, the old one has been seen and judged too.
    open.push(
      await announce({ ...common, card: newCard('Fresh', ['game']).card, instanceName: 'Fresh', port: 4102 }),
    );
    await rec.waitFor((e) => e.type === 'up' && e.instance === 'Fresh', 3000, 'Fresh up');
    await sleep(1500);
    expect(rec.events.filter((e) => e.instance === 'Old')).toEqual([]);
    expect(browser.services().map((x) => x.instance)).toEqual(['Fresh']);
  });
});
