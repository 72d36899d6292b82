/**
 * Attacks on the announcer and the browser from another host of a namespace LAN (lan-harness): a
 * conflict storm, bit-flipped echoes of the victim's announcement, and spoofed goodbyes. The
 * attacker (fixtures/attacker.ts) crafts packets with dns-packet on the mDNS port; the victim and
 * the browser are the real announcer and browser in peer.ts. Each attack is bounded (a duration or
 * a count); the outcomes are asserted with generous deadlines and the measured figures are logged.
 */
import { fileURLToPath } from 'node:url';
import { type LanHost, withLan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { expect, it } from 'vitest';
import { type Line, Lines, startPeer } from './support.js';

const ATTACKER = fileURLToPath(new URL('./fixtures/attacker.ts', import.meta.url));
const attacker = (host: LanHost, mode: 'storm' | 'echo' | 'goodbye', config: object) =>
  new Lines(host.node(ATTACKER, [mode, JSON.stringify(config)]));
const event = (name: string) => (l: Line) => l.event === name;
const fqdn = (instance: string) => `${instance}._lanrtc._udp.local`;

describeLan('mDNS under attack', () => {
  it('a 20 s conflict storm never silences the announcer: announced and answering within 10 s after it stops', async () => {
    await withLan({ hosts: 2, name: 'mdnsst' }, async (lan) => {
      const [a, b] = lan.hosts as [LanHost, LanHost];
      const victim = startPeer(a, 'announce', { name: 'Front door', deviceTypes: ['doorbell'], port: 40000 });
      const ad = await victim.waitFor(event('announced'), 10_000, 'announced');
      const storm = attacker(b, 'storm', {
        target: a.ip,
        instance: fqdn(String(ad.name)),
        host: `${String(ad.hostName)}.local`,
        seconds: 20,
      });
      const stopped = await storm.waitFor(event('stopped'), 40_000, 'storm stopped');
      const names = stopped.names as string[];
      console.log(`mdns attack: conflict storm 20 s → ${names.length - 1} renames while it lasted`);
      const answered = await storm.waitFor(event('answered'), 20_000, 'answered after the storm');
      const recoveryMs = Number(answered.t) - Number(stopped.t);
      console.log(
        `mdns attack: conflict storm 20 s → ${String(stopped.replies)} probes answered, announced and answering ${recoveryMs.toFixed(0)} ms after it stopped (as ${String(answered.name)})`,
      );
      expect(names.length).toBeGreaterThan(1); // the storm did cost renames: it was a real attack
      expect(recoveryMs).toBeLessThan(10_000);
    });
  }, 90_000);

  it('50 bit-flipped copies of its own announcement from another host never rename the announcer', async () => {
    await withLan({ hosts: 2, name: 'mdnsec' }, async (lan) => {
      const [a, b] = lan.hosts as [LanHost, LanHost];
      const echo = attacker(b, 'echo', { target: a.ip, count: 50, intervalMs: 100, seed: 1 });
      await new Promise((r) => setTimeout(r, 500)); // the attacker has joined the group
      const victim = startPeer(a, 'announce', { name: 'Echo', deviceTypes: ['game'], port: 40000 });
      const ad = await victim.waitFor(event('announced'), 10_000, 'announced');
      await echo.waitFor(event('captured'), 10_000, 'announcement captured');
      const done = await echo.waitFor(event('echoed'), 30_000, 'echoes sent');
      const renamed = (done.names as string[]).filter((n) => n !== fqdn(String(ad.name)));
      console.log(
        `mdns attack: 50 bit-flipped echoes → ${String(done.probes)} probes, renamed to ${JSON.stringify(renamed)}`,
      );
      expect(renamed).toEqual([]);
    });
  }, 60_000);

  it('spoofed goodbyes for a live device never hide it from a browser for more than 2 s', async () => {
    await withLan({ hosts: 3, name: 'mdnsgb' }, async (lan) => {
      const [a, b, c] = lan.hosts as [LanHost, LanHost, LanHost];
      const browser = startPeer(c, 'browse', {});
      await browser.waitFor(event('browsing'), 10_000, 'browsing');
      const spoof = attacker(b, 'goodbye', { target: a.ip, delayMs: 3000, count: 3, intervalMs: 3000 });
      await new Promise((r) => setTimeout(r, 500)); // the attacker has joined the group
      const victim = startPeer(a, 'announce', { name: 'Porch', deviceTypes: ['doorbell'], port: 40000 });
      await victim.waitFor(event('announced'), 10_000, 'announced');
      await browser.waitFor((l) => l.event === 'up' && l.instance === 'Porch', 5000, 'up');
      const first = await spoof.waitFor((l) => l.event === 'goodbye' && l.n === 1, 15_000, 'first goodbye');
      await spoof.waitFor((l) => l.event === 'goodbye' && l.n === 3, 15_000, 'last goodbye');
      await new Promise((r) => setTimeout(r, 3000));
      const changes = browser.lines.filter(
        (l) =>
          l.instance === 'Porch' && (l.event === 'up' || l.event === 'down') && Number(l.t) > Number(first.t),
      );
      // Each down paired with the next up: how long the live device was hidden.
      const hidden: number[] = [];
      for (const [i, l] of changes.entries()) {
        if (l.event !== 'down') continue;
        const back = changes.slice(i + 1).find((x) => x.event === 'up');
        hidden.push(back ? Number(back.t) - Number(l.t) : Number.POSITIVE_INFINITY);
      }
      console.log(
        `mdns attack: 3 spoofed goodbyes → ${hidden.length} downs, hidden ${JSON.stringify(hidden.map(Math.round))} ms`,
      );
      for (const ms of hidden) expect(ms).toBeLessThan(2000);
    });
  }, 60_000);
});
