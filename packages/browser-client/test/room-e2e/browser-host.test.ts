/**
 * A Chromium page hosts the room: a second Chromium page and a Node agent join through the relay
 * (host A serves the page and relays; the pages run in host C, the Node player in host B). Presence
 * agrees on all three, messages go both ways on both deliveries, and a leave reaches everyone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import type { Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { bundleForBrowser, launchChromium, pageCaller } from '../helpers/chromium.js';
import { deviceLines } from '../relay-e2e/harness.js';
import type { PageEvent, RoomE2e } from './page.js';

const here = dirname(fileURLToPath(import.meta.url));
const call = pageCaller<RoomE2e>('roomE2e');
const events = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { roomE2e: RoomE2e }).roomE2e.events as PageEvent[]);
const view = (members: readonly { id: string; name: string; role: string }[]) =>
  members.map((m) => `${m.role}:${m.name}:${m.id}`);
async function waitFor<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeLan('rooms: a Chromium page hosts, a Chromium page and a Node agent join', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  it('presence agrees, messages flow both ways on both deliveries, a leave reaches everyone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-rooms-host-e2e-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>',
    );
    writeFileSync(join(dir, 'app.js'), await bundleForBrowser(join(here, 'page.ts')));
    const lan: Lan = await createLan({ hosts: 3 });
    cleanup.push(() => lan.close());
    const [a, b, c] = lan.hosts as [Lan['hosts'][number], Lan['hosts'][number], Lan['hosts'][number]];
    const relay = deviceLines(a.node(join(here, 'member.ts'), ['relay', a.ip, dir]));
    const url = (await relay.next((l) => l.event === 'ready')).url as string;
    const node = deviceLines(b.node(join(here, 'member.ts'), ['player', b.ip, url]));
    const chromium = await launchChromium(c.name);
    cleanup.push(() => chromium.close());
    const open = async () => {
      const page = await (await chromium.browser.newContext()).newPage();
      await page.goto(url.replace(/^ws:/, 'http:'));
      await page.waitForFunction(() => 'roomE2e' in globalThis);
      return page;
    };
    const [hostPage, playerPage] = [await open(), await open()];
    const { id: hostId, invite } = await call(hostPage, 'host', 'Hana');
    const joined = await call(playerPage, 'join', invite, 'Bea');
    if (!joined.ok) throw new Error(`page join failed: ${JSON.stringify(joined)}`);
    const nodeId = (await node.next((l) => l.event === 'ready')).id as string;
    const nodeJoin = await node.request(
      `join ${invite} Ann`,
      (l) => l.event === 'joined' || l.event === 'refused',
    );
    expect(nodeJoin, JSON.stringify(nodeJoin)).toMatchObject({ event: 'joined' });

    const expected = [`host:Hana:${hostId}`, `player:Bea:${joined.id}`, `player:Ann:${nodeId}`];
    await waitFor(
      () => call(playerPage, 'members'),
      (m) => m.length === 3,
      'Bea sees Ann',
    );
    expect(view(await call(hostPage, 'members'))).toEqual(expected);
    expect(view(await call(playerPage, 'members'))).toEqual(expected);
    expect(view((await node.request('members', (l) => l.event === 'members')).members as never)).toEqual(
      expected,
    );

    expect(await call(playerPage, 'send', 'b-rel', 'reliable')).toBe(true);
    expect(await call(playerPage, 'send', 'b-fast', 'unreliable')).toBe(true);
    await node.request('send host reliable a-rel', (l) => l.event === 'sent');
    await node.request('send host unreliable a-fast', (l) => l.event === 'sent');
    const got = (e: PageEvent[], from: string, text: string, delivery: string) =>
      e.some((x) => x.kind === 'message' && x.from === from && x.text === text && x.delivery === delivery);
    await waitFor(
      () => events(hostPage),
      (e) =>
        got(e, joined.id, 'b-rel', 'reliable') &&
        got(e, joined.id, 'b-fast', 'unreliable') &&
        got(e, nodeId, 'a-rel', 'reliable') &&
        got(e, nodeId, 'a-fast', 'unreliable'),
      'the host page gets all four',
    );
    await call(hostPage, 'broadcast', 'h-rel', 'reliable');
    await call(hostPage, 'broadcast', 'h-fast', 'unreliable');
    await waitFor(
      () => events(playerPage),
      (e) => got(e, hostId, 'h-rel', 'reliable') && got(e, hostId, 'h-fast', 'unreliable'),
      'Bea gets both',
    );
    await node.next((l) => l.event === 'message' && l.from === hostId && l.text === 'h-fast');

    const t0 = Date.now();
    await node.request('leave', (l) => l.event === 'left');
    const seen = await Promise.all(
      [hostPage, playerPage].map((p) =>
        waitFor(
          () => events(p),
          (e) => e.some((x) => x.kind === 'leave' && x.id === nodeId),
          'the leave',
        ),
      ),
    );
    for (const e of seen) {
      const leave = e.find((x) => x.kind === 'leave' && x.id === nodeId) as { at: number; reason: string };
      expect(leave.reason).toBe('left');
      expect(leave.at - t0).toBeLessThanOrEqual(1000);
    }
    expect(view(await call(playerPage, 'members'))).toEqual(expected.slice(0, 2));
    relay.child.kill('SIGTERM');
    node.child.kill('SIGTERM');
  }, 45_000);
});
