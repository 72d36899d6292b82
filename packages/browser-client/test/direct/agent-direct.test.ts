/**
 * Direct connect through the one agent shape in Chromium: a page's `createBrowserAgent()` reaches a
 * Node device (a direct-connect listener on another namespace host) with `agent.connectDirect` —
 * first from the device's pairing card (pairs in-band), then from its plain card (already trusted) —
 * and chats on a channel the page opens; the device echoes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { call, ok, openPage, received, serveInHost, writePage } from '../qr-e2e/harness.js';
import { type DeviceLine, deviceLines } from '../relay-e2e/harness.js';

const here = dirname(fileURLToPath(import.meta.url));
type Ready = DeviceLine & { id: string; cardText: string; pairingText: string };

describeLan('direct connect through createBrowserAgent: Chromium page → Node device', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  it('pairs from the pairing card, reconnects from the plain card, and chats both times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-agent-direct-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    await writePage(dir);
    const lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [hostA, hostB] = lan.hosts;
    if (!hostA || !hostB) throw new Error('LAN has fewer than 2 hosts');
    const device = deviceLines(hostA.node(join(here, '../qr-e2e/device.ts'), [hostA.ip, '5000']));
    const ready = (await device.next((l) => l.ready === true)) as Ready;
    const browser = await openPage(hostB, await serveInHost(hostB, dir));
    cleanup.push(() => browser.close());
    const { page } = browser;

    for (const [text, paired] of [
      [ready.pairingText, true],
      [ready.cardText, false],
    ] as const) {
      expect(ok(await call(page, 'agentConnectText', text))).toEqual({
        remote: ready.id,
        paired,
        path: 'direct',
      });
      ok(await call(page, 'chat', true, `hi ${paired}`));
      await expect
        .poll(async () => (await received(page)).messages.includes(`chat:echo:hi ${paired}`), {
          timeout: 5_000,
        })
        .toBe(true);
      await call(page, 'close');
    }
    await expect.poll(() => device.lines.filter((l) => 'ended' in l).length, { timeout: 5_000 }).toBe(2);
    expect(device.lines.filter((l) => 'peerError' in l)).toEqual([]);
  }, 60_000);
});
