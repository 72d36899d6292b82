// dropUdp: random UDP loss inside one host's namespace, measured with real datagrams between hosts.

import { expect, it } from 'vitest';
import { droppedUdp, dropUdp, withLan } from '../src/index.js';
import { describeLan } from '../src/vitest.js';
import { fixture, lineReader } from './support.js';

const DATAGRAMS = 2000;

describeLan('dropUdp', () => {
  it('drops about the asked share of the UDP a host receives, and nothing once removed', async () => {
    await withLan({ hosts: 2 }, async (lan) => {
      const [tx, rx] = lan.hosts;
      if (tx === undefined || rx === undefined) throw new Error('no hosts');
      const count = async () => {
        const receiver = rx.node(fixture('udp.mjs'), ['count', rx.ip, '40123', '1500']);
        const lines = lineReader(receiver);
        expect(await lines.next()).toBe('ready');
        const burst = await tx.execNode(fixture('udp.mjs'), ['burst', rx.ip, '40123', String(DATAGRAMS)]);
        expect(burst.code).toBe(0);
        return Number(await lines.next());
      };

      const remove = await dropUdp(rx, { percent: 5 });
      const lossy = await count();
      // 5 % of 2000 is 100 (standard deviation ≈ 9.7): far outside ±40 only if the rule is wrong.
      expect(DATAGRAMS - lossy).toBeGreaterThan(60);
      expect(DATAGRAMS - lossy).toBeLessThan(140);
      expect(await droppedUdp(rx)).toBe(DATAGRAMS - lossy);

      await remove();
      expect(await count()).toBe(DATAGRAMS);
      expect(await droppedUdp(rx)).toBe(0);
    });
  });

  it('refuses a percentage outside 1–99', async () => {
    await withLan({ hosts: 1 }, async (lan) => {
      const host = lan.hosts[0];
      if (host === undefined) throw new Error('no host');
      await expect(dropUdp(host, { percent: 0 })).rejects.toMatchObject({ name: 'InvalidLanOptionsError' });
      await expect(dropUdp(host, { percent: 5.5 })).rejects.toMatchObject({ name: 'InvalidLanOptionsError' });
    });
  });
});
