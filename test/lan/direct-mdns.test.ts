/**
 * Issue 5, e2e test 4: Node ↔ Node direct connect. Host A runs a direct-connect listener and
 * announces its signed card over mDNS; host B browses, takes the card from TXT, connects with
 * `connectDirect` (pairing in-band with the one-time secret of A's QR pairing card), echoes on an
 * authenticated channel, and reconnects from the card alone. No relay or WebSocket exists anywhere.
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
  }, 60_000);
});
