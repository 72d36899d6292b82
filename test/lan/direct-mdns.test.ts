/**
 * Node ↔ Node direct connect. Host A runs a direct-connect listener and
 * announces its signed card over mDNS; host B browses, takes the card from TXT, connects with
 * `connectDirect` (pairing in-band with the one-time secret of A's QR pairing card), echoes on an
 * authenticated channel, and reconnects from the card alone. No relay or WebSocket exists anywhere.
 */
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { fixture, lines } from './support.js';

describeLan('Node ↔ Node direct connect from an mDNS-announced card (no relay)', () => {
  let lan: Lan | undefined;
  afterEach(async () => {
    await lan?.close();
    lan = undefined;
  });

  it('B finds A over mDNS, pairs in-band with the QR secret, echoes, and reconnects from the card alone', async () => {
    lan = await createLan({ hosts: 2 });
    const [a, b] = lan.hosts as [Lan['hosts'][number], Lan['hosts'][number]];
    const device = lines(a.node(fixture('direct-device.ts'), [a.ip, JSON.stringify({ qrPairing: true })]));
    const ready = await device.next('ready');
    expect(ready.cardText).toMatch(/^LR1:/);
    expect(ready.pairingText).toMatch(/^LR1:/);

    const phone = lines(b.node(fixture('direct-phone.ts'), [b.ip, ready.secretHex as string]));
    const discovered = await phone.next('discovered');
    expect(discovered).toMatchObject({ id: ready.id, candidates: [{ address: a.ip, port: ready.port }] });
    await phone.next('done', 20_000);
    expect(phone.seen.filter((l) => l.event === 'echo')).toEqual([
      expect.objectContaining({
        round: 'pair',
        paired: true,
        reply: 'echo:hello pair',
        certMatchesCard: true,
      }),
      expect.objectContaining({
        round: 'again',
        paired: false,
        reply: 'echo:hello again',
        certMatchesCard: true,
      }),
    ]);
    const connections = device.seen.filter((l) => l.event === 'connection');
    expect(connections).toEqual([
      expect.objectContaining({ paired: true }),
      expect.objectContaining({ paired: false }),
    ]);
    expect(new Set(connections.map((c) => c.from)).size).toBe(1);
    expect(phone.stderr()).toBe('');
    expect(device.stderr()).toBe('');
    const echoes = phone.seen.filter((l) => l.event === 'echo');
    console.log(
      JSON.stringify({
        test: 'direct mdns',
        discoveredMs: discovered.ms,
        connectAndAuthMs: echoes.map((e) => ({ round: e.round, ms: e.authMs })),
      }),
    );
  }, 60_000);
});
