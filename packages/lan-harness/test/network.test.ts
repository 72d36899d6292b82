// The safety claims of the harness: the LAN has no way out, and multicast stays on it.

import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { expect, it } from 'vitest';
import { withLan } from '../src/index.js';
import { ip } from '../src/ip.js';
import { describeLan } from '../src/vitest.js';
import { fixture, lineReader } from './support.js';

// TEST-NET-1 (RFC 5737 §3): documentation-only, never a real target; used as the "outside" probe.
const OUTSIDE = '192.0.2.1';
const inRunnerNetns = process.env.LANRTC_IN_NETNS === '1';

describeLan('LAN isolation', () => {
  it('the bridge namespace has no uplink, no address and no route', async () => {
    await withLan({ hosts: 3 }, async (lan) => {
      const links = JSON.parse(await ip(['-n', lan.bridgeNs, '-j', 'link'])) as Array<{
        ifname: string;
        master?: string;
      }>;
      expect(links.map((l) => l.ifname).sort()).toEqual(['br0', 'lo', 'v1', 'v2', 'v3']);
      for (const l of links.filter((x) => x.ifname.startsWith('v'))) expect(l.master).toBe('br0');
      expect((await ip(['-n', lan.bridgeNs, '-4', 'addr'])).trim()).toBe('');
      expect((await ip(['-n', lan.bridgeNs, '-4', 'route'])).trim()).toBe('');
      expect((await ip(['-n', lan.bridgeNs, '-6', 'route', 'show', 'default'])).trim()).toBe('');
    });
  });

  it('a host cannot reach an address outside the LAN (TEST-NET-1 probe gets no reply, no ARP answer)', async () => {
    await withLan({ hosts: 2 }, async (lan) => {
      const h = lan.hosts[0];
      if (h === undefined) throw new Error('no host');
      // The only route out is the default onto the bridge: no gateway (`via`) anywhere.
      expect((await h.exec('ip', ['route', 'get', OUTSIDE])).stdout).toMatch(/^192\.0\.2\.1 dev eth0 src /);
      expect((await h.exec('ip', ['route'])).stdout).not.toContain(' via ');
      const probe = await h.execNode(fixture('udp.mjs'), ['probe', OUTSIDE, '9']);
      expect(probe.stdout.trim()).toBe('no-reply');
      // Nobody on the bridge answered the ARP request for it.
      const neigh = (await h.exec('ip', ['neigh', 'show', OUTSIDE])).stdout;
      expect(neigh).not.toContain('lladdr');
    });
  });

  it('mDNS-style multicast (224.0.0.251:5353) reaches the other hosts and never the runner namespace', async () => {
    const nonce = randomBytes(8).toString('hex');
    // Observer in the test runner's own namespace: must never see the nonce. Only inside the runner
    // namespace (scripts/netns-run.mjs): joining a group on a real interface would itself send IGMP.
    const seenByRunner: string[] = [];
    const observer = inRunnerNetns ? dgram.createSocket({ type: 'udp4', reuseAddr: true }) : undefined;
    if (observer !== undefined) {
      observer.on('message', (m) => {
        if (String(m).includes(nonce)) seenByRunner.push(String(m));
      });
      await new Promise<void>((r) => observer.bind(5353, () => r()));
      observer.addMembership('224.0.0.251', '10.77.0.1');
    }
    try {
      await withLan({ hosts: 3 }, async (lan) => {
        const [tx, ...rxHosts] = lan.hosts;
        if (tx === undefined) throw new Error('no host');
        const receivers = rxHosts.map((h) =>
          lineReader(h.node(fixture('udp.mjs'), ['recv', '0.0.0.0', '5353', '224.0.0.251', h.ip])),
        );
        for (const r of receivers) expect(await r.next()).toBe('ready');
        const sent = await tx.execNode(fixture('udp.mjs'), ['send', '224.0.0.251', '5353', nonce, tx.ip]);
        expect(sent.code).toBe(0);
        const got = await Promise.all(receivers.map((r) => r.next()));
        for (const g of got) expect(JSON.parse(g)).toEqual({ text: nonce, from: tx.ip });
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(seenByRunner).toEqual([]);
    } finally {
      observer?.close();
    }
  });

  it.runIf(inRunnerNetns)('the runner namespace holds none of the LAN links', async () => {
    await withLan({ hosts: 2 }, async () => {
      const names = (JSON.parse(await ip(['-j', 'link'])) as Array<{ ifname: string }>).map((l) => l.ifname);
      expect(names.sort()).toEqual(['eth0', 'eth0peer', 'lo']);
    });
  });
});
