/**
 * Issue 3's end-to-end: two Node agents on two namespace hosts. The doorbell (host A) announces its
 * signed card over mDNS and runs a relay; the phone (host B) finds it by subtype browse, resolves the
 * relay's `.local` name with the interface-scoped resolver, pairs by PIN the first time, opens an
 * authenticated DataChannel (the DTLS certificate equals the one in the signed card), and connects a
 * second time with no PIN. Nothing leaves the namespace LAN.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
type Line = Record<string, unknown> & { event: string };

/** Collect a child's JSON lines; `next(event)` waits for the first line with that event. */
function lines(child: ChildProcess) {
  const seen: Line[] = [];
  const waiters: (() => void)[] = [];
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) => {
    try {
      seen.push(JSON.parse(l) as Line);
    } catch {
      seen.push({ event: 'raw', text: l });
    }
    for (const w of waiters.splice(0)) w();
  });
  const next = (event: string, ms = 15_000): Promise<Line> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${event}" in time; stderr: ${stderr.slice(-2000)}`)),
        ms,
      );
      const check = () => {
        const hit = seen.find((l) => l.event === event);
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        } else waiters.push(check);
      };
      check();
    });
  return { seen, next, stderr: () => stderr };
}

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
