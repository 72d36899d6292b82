/**
 * `announceListener` in the runner's private network namespace: the listener's card is announced,
 * and a card the listener re-issues reaches browsers without anyone calling `update`. Port 25363
 * keeps this file apart from others.
 */
import { createIdentity } from '@lanrtc/signal-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Announcement, announceListener, type Browser, browse } from '../src/index.js';
import { IFACES, IN_NETNS, makeCard, Recorder, verifyTestCard } from './support.js';

const mdnsPort = 25363;
const open: Array<Announcement | Browser> = [];
const track = <T extends Announcement | Browser>(x: T): T => {
  open.push(x);
  return x;
};

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

const common = { interfaces: IFACES, mdnsPort, verifyCard: verifyTestCard } as const;

describe.skipIf(!IN_NETNS)('announceListener (netns)', () => {
  it('announces the listener card, then the card it re-issues', async () => {
    const browser = track(await browse({ ...common }));
    const rec = new Recorder(browser);
    const identity = createIdentity();
    const first = makeCard(identity, { name: 'Desk', deviceTypes: ['files'] });
    const second = makeCard(identity, { name: 'Desk', deviceTypes: ['files'], padding: 8 });
    let card = first;
    const listener = { cardBytes: () => card, port: 47801 };
    const ad = track(await announceListener(listener, { ...common, checkMs: 100 }));
    const up = await rec.waitFor((e) => e.type === 'up' && e.instance === 'Desk', 3000, 'up');
    expect(up.cardBytes).toEqual(first);
    expect(up.port).toBe(47801);
    card = second; // what a listener does before its card expires
    const updated = await rec.waitFor((e) => e.type === 'update' && e.instance === 'Desk', 3000, 'update');
    expect(updated.cardBytes).toEqual(second);
    await ad.close();
    await rec.waitFor((e) => e.type === 'down' && e.instance === 'Desk', 3000, 'down');
  });
});
