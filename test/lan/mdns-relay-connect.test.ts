/**
 * End to end: two Node agents on two namespace hosts. The doorbell (host A) announces its
 * signed card over mDNS and runs a relay; the phone (host B) finds it by subtype browse, resolves the
 * relay's `.local` name with the interface-scoped resolver, pairs by PIN the first time, opens an
 * authenticated DataChannel (the DTLS certificate equals the one in the signed card), and connects a
 * second time with no PIN. Nothing leaves the namespace LAN.
 */
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { fixture, lines } from './support.js';

describeLan(
  'two Node agents on two hosts: mDNS discovery, relay signalling, PIN pairing, direct werift',
  () => {
    let lan: Lan | undefined;
    afterEach(async () => {
      await lan?.close();
      lan = undefined;
    });

    it('discovers, resolves, pairs, connects with the card-signed certificate, and reconnects without a PIN', async () => {
      lan = await createLan({ hosts: 2 });
      const [a, b] = lan.hosts as [Lan['hosts'][number], Lan['hosts'][number]];
      const device = lines(a.node(fixture('device.ts'), [a.ip]));
      const ready = await device.next('ready');
      expect(ready.pin).toMatch(/^\d{6}$/);
      expect(ready.cardBytes as number).toBeLessThanOrEqual(250);

      const phone = lines(b.node(fixture('phone.ts'), [b.ip, ready.pin as string]));
      const discovered = await phone.next('discovered');
      expect(discovered.id).toBe(ready.id);
      expect(discovered.instance).toBe('Porch');
      const resolved = await phone.next('resolved');
      expect(resolved.ipv4).toEqual([a.ip]);
      const paired = await phone.next('paired');
      expect(paired).toMatchObject({ with: ready.id, cardFingerprint: true });
      expect(await device.next('paired')).toMatchObject({ event: 'paired' });
      await phone.next('done', 20_000);
      const echoes = phone.seen.filter((l) => l.event === 'echo');
      expect(echoes).toEqual([
        expect.objectContaining({ round: 'first', reply: 'echo:hello first', certMatchesCard: true }),
        expect.objectContaining({ round: 'again', reply: 'echo:hello again', certMatchesCard: true }),
      ]);
      // Only one pairing happened: the second connection needed no PIN.
      expect(device.seen.filter((l) => l.event === 'paired')).toHaveLength(1);
      expect(device.seen.filter((l) => l.event === 'connection')).toHaveLength(2);
      expect(phone.stderr()).toBe('');
    }, 60_000);
  },
);
