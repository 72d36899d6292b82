/**
 * Announce and browse across real hosts of a namespace LAN (lan-harness): each side is its own Node
 * process in its own network namespace, talking multicast DNS on port 5353 over the LAN bridge.
 */
import { withLan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { expect, it } from 'vitest';
import { type Line, startPeer } from './support.js';

const isEvent = (type: string, instance: string) => (l: Line) => l.event === type && l.instance === instance;
const announced = (l: Line) => l.event === 'announced';

describeLan('mDNS discovery across hosts', () => {
  it('B and C see A up, its fingerprint rotation as update, and down on goodbye and on silent death', async () => {
    await withLan({ hosts: 3, name: 'mdns3' }, async (lan) => {
      const [a, b, c] = lan.hosts as [(typeof lan.hosts)[0], (typeof lan.hosts)[0], (typeof lan.hosts)[0]];
      const browsers = [startPeer(b, 'browse', {}), startPeer(c, 'browse', { deviceType: 'doorbell' })];
      for (const br of browsers) await br.waitFor((l) => l.event === 'browsing', 10_000, 'browsing');

      const ad = startPeer(a, 'announce', { name: 'Porch', deviceTypes: ['doorbell'], port: 40000 });
      const first = await ad.waitFor(announced, 10_000, 'announced');
      for (const br of browsers) {
        const up = await br.waitFor(isEvent('up', 'Porch'), 5000, 'up');
        expect(up.id).toBe(first.id);
        expect(up.fingerprint).toBe(first.fingerprint);
        expect(up.card).toBe(first.card);
        expect(up.port).toBe(40000);
        expect(up.host).toBe(`${String(first.hostName)}.local`);
        expect((up.addresses as string[])[0]).toBe(a.ip); // IPv4 first, then eth0's link-local IPv6
      }

      // DTLS certificate rotation: a new card with a new fingerprint, re-announced (RFC 6762 §8.4).
      ad.send('rotate');
      const rotated = await ad.waitFor((l) => l.event === 'updated', 5000, 'updated');
      expect(rotated.fingerprint).not.toBe(first.fingerprint);
      for (const br of browsers) {
        const up = await br.waitFor(isEvent('update', 'Porch'), 5000, 'update');
        expect(up.fingerprint).toBe(rotated.fingerprint);
        expect(up.id).toBe(first.id);
      }

      // Goodbye (TTL 0, RFC 6762 §10.1): gone about one second later.
      ad.send('close');
      const closed = await ad.waitFor((l) => l.event === 'closed', 5000, 'closed');
      for (const br of browsers) {
        const down = await br.waitFor(isEvent('down', 'Porch'), 5000, 'down');
        expect(down.id).toBe(first.id);
        expect(Number(down.t) - Number(closed.t)).toBeLessThan(2500);
      }

      // Silent death: TTL 3 s, so browsers re-query at 80–97 % of it and expire it after the TTL.
      const mortal = startPeer(a, 'announce', {
        name: 'Mortal',
        deviceTypes: ['doorbell'],
        port: 40001,
        ttl: 3,
      });
      await mortal.waitFor(announced, 10_000, 'announced');
      for (const br of browsers) await br.waitFor(isEvent('up', 'Mortal'), 5000, 'up');
      // Alive for two TTLs: the browsers' re-queries keep it up.
      await new Promise((r) => setTimeout(r, 6500));
      for (const br of browsers) expect(br.lines.some(isEvent('down', 'Mortal'))).toBe(false);
      const pid = mortal.child.pid as number;
      process.kill(-pid, 'SIGKILL'); // its whole process group: no goodbye can be sent
      const killedAt = performance.timeOrigin + performance.now();
      for (const br of browsers) {
        const down = await br.waitFor(isEvent('down', 'Mortal'), 8000, 'down after SIGKILL');
        const ms = Number(down.t) - killedAt;
        console.log(`mdns lan: silent death (TTL 3 s) → down after ${ms.toFixed(0)} ms`);
        expect(ms).toBeLessThan(5000);
      }
    });
  }, 60_000);

  it('two hosts announcing one instance name: one is renamed, both are discoverable from a third', async () => {
    await withLan({ hosts: 4, name: 'mdnsnm' }, async (lan) => {
      const [a, b, c, d] = lan.hosts as [
        (typeof lan.hosts)[0],
        (typeof lan.hosts)[0],
        (typeof lan.hosts)[0],
        (typeof lan.hosts)[0],
      ];
      const browser = startPeer(c, 'browse', {});
      await browser.waitFor((l) => l.event === 'browsing', 10_000, 'browsing');

      // One after the other: the newcomer's probe meets the defender's answer (RFC 6762 §9).
      const first = startPeer(a, 'announce', { name: 'Twin', deviceTypes: ['game'], port: 40000 });
      const fa = await first.waitFor(announced, 10_000, 'first announced');
      expect(fa.name).toBe('Twin');
      const second = startPeer(b, 'announce', { name: 'Twin', deviceTypes: ['game'], port: 40000 });
      const sa = await second.waitFor(announced, 10_000, 'second announced');
      expect(sa.name).toBe('Twin (2)');
      const up1 = await browser.waitFor(isEvent('up', 'Twin'), 5000, 'Twin up');
      const up2 = await browser.waitFor(isEvent('up', 'Twin (2)'), 5000, 'Twin (2) up');
      expect(up1.id).toBe(fa.id);
      expect((up1.addresses as string[])[0]).toBe(a.ip); // IPv4 first, then eth0's link-local IPv6
      expect(up2.id).toBe(sa.id);
      expect((up2.addresses as string[])[0]).toBe(b.ip); // IPv4 first, then eth0's link-local IPv6

      // At the same moment: both probe at once; the §8.2 tiebreak renames exactly one.
      const p1 = startPeer(a, 'announce', { name: 'Pair', deviceTypes: ['game'], port: 40001 });
      const p2 = startPeer(d, 'announce', { name: 'Pair', deviceTypes: ['game'], port: 40001 });
      const [n1, n2] = await Promise.all([
        p1.waitFor(announced, 15_000, 'pair 1 announced'),
        p2.waitFor(announced, 15_000, 'pair 2 announced'),
      ]);
      expect([n1.name, n2.name].sort()).toEqual(['Pair', 'Pair (2)']);
      for (const n of [n1, n2]) {
        const up = await browser.waitFor(isEvent('up', String(n.name)), 5000, `${String(n.name)} up`);
        expect(up.id).toBe(n.id);
      }
      await new Promise((r) => setTimeout(r, 1500));
      // Nobody was reported down after the renames settled.
      expect(browser.lines.filter((l) => l.event === 'down')).toEqual([]);
    });
  }, 60_000);

  it('a forged card (valid format, wrong signature) from one host is never yielded on another', async () => {
    await withLan({ hosts: 2, name: 'mdnsfg' }, async (lan) => {
      const [a, b] = lan.hosts as [(typeof lan.hosts)[0], (typeof lan.hosts)[0]];
      const browser = startPeer(b, 'browse', {});
      const doorbells = startPeer(b, 'browse', { deviceType: 'doorbell' });
      for (const br of [browser, doorbells])
        await br.waitFor((l) => l.event === 'browsing', 10_000, 'browsing');
      const forged = startPeer(a, 'announce', {
        name: 'Forged',
        deviceTypes: ['doorbell'],
        port: 40000,
        forge: true,
      });
      await forged.waitFor(announced, 10_000, 'forged announced');
      // A valid card from the same host after it: once it is up, the forged one has been seen too.
      const honest = startPeer(a, 'announce', { name: 'Honest', deviceTypes: ['doorbell'], port: 40001 });
      await honest.waitFor(announced, 10_000, 'honest announced');
      for (const br of [browser, doorbells]) {
        await br.waitFor(isEvent('up', 'Honest'), 5000, 'Honest up');
        await new Promise((r) => setTimeout(r, 1500));
        const from = br.lines.length;
        br.send('stats');
        const stats = (await br.waitFor((l) => l.event === 'stats', 5000, 'stats', from)).stats as Record<
          string,
          number
        >;
        expect(stats.unverified).toBeGreaterThanOrEqual(1);
        expect(br.lines.some((l) => l.instance === 'Forged')).toBe(false);
      }
    });
  }, 60_000);
});
