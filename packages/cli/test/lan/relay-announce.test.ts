/**
 * `lanrtc relay` on host A announces itself over mDNS; host B finds it by device type `relay`, reads
 * the relay endpoint from the signed card (signed by A's persisted identity), and logs in through
 * it. SIGTERM on A sends the mDNS goodbye: B sees `down` at once, not after the record TTL.
 */
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { afterEach, expect, it } from 'vitest';
import { MAIN, tempConfig } from '../support.js';
import { FINDER, text, watch } from './support.js';

describeLan('lanrtc relay: mDNS self-announcement', () => {
  let lan: Lan | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await lan?.close();
    lan = undefined;
    cleanup?.();
  });

  it.each([
    ['its address', (ip: string) => ip, (ip: string, host: unknown) => expect(host).toBe(ip)],
    [
      '0.0.0.0',
      () => '0.0.0.0',
      (_: string, host: unknown) => expect(host).toMatch(/^lanrtc-[0-9a-f]{8}\.local$/),
    ],
  ])(
    'listening on %s: found by type, endpoint in the signed card, login works, SIGTERM says goodbye',
    async (_, listen, checkHost) => {
      const config = tempConfig();
      cleanup = config.cleanup;
      const { identity } = await loadOrCreateNodeIdentity({ dir: config.dir });
      lan = await createLan({ hosts: 2 });
      const [a, b] = lan.hosts as [Lan['hosts'][number], Lan['hosts'][number]];

      const child = a.node(MAIN, [
        'relay',
        '--host',
        listen(a.ip),
        '--port',
        '0',
        '--name',
        'Hall relay',
        '--config',
        config.dir,
      ]);
      const relay = watch(child);
      const listening = await relay.next(text(/^lanrtc relay on ws:\/\//), 'relay URL');
      const port = Number(/:(\d+)\/$/.exec(String(listening.text))?.[1]);
      expect(String(listening.text)).toBe(`lanrtc relay on ws://${a.ip}:${port}/`);
      await relay.next(text(/^announced "Hall relay" \(type relay, id /), 'announcement');

      const finder = watch(b.node(FINDER, [b.ip, 'relay']));
      const up = await finder.next((l) => l.event === 'up', 'browse up');
      expect(up).toMatchObject({ id: identity.id, name: 'Hall relay', types: ['relay'] });
      expect((up.relay as { port: number }).port).toBe(port);
      checkHost(a.ip, (up.relay as { host: string }).host);
      const login = await finder.next((l) => l.event === 'logged-in', 'login through the relay');
      expect(login).toMatchObject({ url: `ws://${a.ip}:${port}/`, members: 0 });

      const sent = Date.now();
      child.kill('SIGTERM');
      const down = await finder.next((l) => l.event === 'down', 'goodbye (browse down)', 5_000);
      expect(down).toMatchObject({ id: identity.id });
      expect(Date.now() - sent).toBeLessThan(3_000); // a goodbye, not a TTL expiry (120 s)
      expect(await relay.exited).toBe(0);
      expect(relay.seen.some(text(/^stopping \(SIGTERM\)$/))).toBe(true);
      expect(relay.stderr()).toBe('');
    },
    45_000,
  );
});
