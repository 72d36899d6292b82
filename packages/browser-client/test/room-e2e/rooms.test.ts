/**
 * Rooms on a 3-host virtual LAN (lan-harness) with the real relay: host A runs the relay (serving
 * the test page) and a Node room host; host B runs Node members; Chromium runs in host C. Checks
 * that presence agrees on every member, messaging in both directions on both deliveries, the
 * reliable buffer never passing its cap, refusals of peers without the secret (trusted or not) and
 * of a forged join, a trusted rejoin with nothing typed, and how fast a leave — clean, or a member
 * killed — reaches everyone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { decodeRoomInvite, encodeRoomInvite } from '@lanrtc/signal-core';
import { RELIABLE_HARD_CAP } from '@lanrtc/signal-core/room';
import type { Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { bundleForBrowser, launchChromium, pageCaller } from '../helpers/chromium.js';
import { type Device, deviceLines } from '../relay-e2e/harness.js';
import type { PageEvent, RoomE2e } from './page.js';

const here = dirname(fileURLToPath(import.meta.url));
const call = pageCaller<RoomE2e>('roomE2e');
const events = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { roomE2e: RoomE2e }).roomE2e.events as PageEvent[]);
/** Clean leave reaches every member within this (ms): one roster over the LAN. */
const CLEAN_LEAVE_MS = 1000;
/** A member that vanished reaches every member within this (ms): 5 s of silence, a quarter heartbeat and the roster. */
const VANISHED_MS = 6000;

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
const view = (members: unknown) =>
  (members as { id: string; name: string; role: string }[]).map((m) => `${m.role}:${m.name}:${m.id}`);

describeLan('rooms: a Node host, a Node and a Chromium player over the real relay', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  it('presence, messaging, backpressure, refusals, rejoin and leave times agree on every member', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-rooms-e2e-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>',
    );
    writeFileSync(join(dir, 'app.js'), await bundleForBrowser(join(here, 'page.ts')));
    const lan: Lan = await createLan({ hosts: 3 });
    cleanup.push(() => lan.close());
    const [a, b, c] = lan.hosts as [Lan['hosts'][number], Lan['hosts'][number], Lan['hosts'][number]];
    const member = (host: typeof a, args: string[]): Device =>
      deviceLines(host.node(join(here, 'member.ts'), args));
    const host = member(a, ['host', a.ip, dir]);
    const ready = await host.next((l) => l.event === 'ready');
    const invite = ready.invite as string;
    const url = ready.url as string;
    const node = member(b, ['player', b.ip, url]);
    const chromium = await launchChromium(c.name);
    cleanup.push(() => chromium.close());
    const page = await (await chromium.browser.newContext()).newPage();
    await page.goto(url.replace(/^ws:/, 'http:'));
    await page.waitForFunction(() => 'roomE2e' in globalThis);
    const nodeId = (await node.next((l) => l.event === 'ready')).id as string;

    // Both players join by scanning the invite (it carries the secret: pairing happens on the way).
    const joined = await node.request(
      `join ${invite} Ann`,
      (l) => l.event === 'joined' || l.event === 'refused',
    );
    expect(joined, JSON.stringify(joined)).toMatchObject({ event: 'joined' });
    const browserJoin = await call(page, 'join', invite, 'Bea');
    if (!browserJoin.ok) throw new Error(`browser join failed: ${JSON.stringify(browserJoin)}`);
    const pageId = browserJoin.id;

    // Presence agrees on every member: same ids, names, roles, order (host first).
    const expected = [`host:Host:${ready.id}`, `player:Ann:${nodeId}`, `player:Bea:${pageId}`];
    await node.next((l) => l.event === 'join' && l.id === pageId);
    expect(view((await host.request('members', (l) => l.event === 'members')).members)).toEqual(expected);
    expect(view((await node.request('members', (l) => l.event === 'members')).members)).toEqual(expected);
    expect(view(await call(page, 'members'))).toEqual(expected);

    // Messaging both ways, both deliveries (unreliable on a quiet LAN arrives; loss would be legal).
    await node.request('send host reliable n-rel', (l) => l.event === 'sent');
    await node.request('send host unreliable n-fast', (l) => l.event === 'sent');
    expect(await call(page, 'send', 'p-rel', 'reliable')).toBe(true);
    expect(await call(page, 'send', 'p-fast', 'unreliable')).toBe(true);
    for (const [from, text, delivery] of [
      [nodeId, 'n-rel', 'reliable'],
      [nodeId, 'n-fast', 'unreliable'],
      [pageId, 'p-rel', 'reliable'],
      [pageId, 'p-fast', 'unreliable'],
    ] as const) {
      await host.next(
        (l) => l.event === 'message' && l.from === from && l.text === text && l.delivery === delivery,
      );
    }
    await host.request('broadcast reliable h-rel', (l) => l.event === 'sent');
    await host.request('broadcast unreliable h-fast', (l) => l.event === 'sent');
    for (const text of ['h-rel', 'h-fast']) {
      await node.next((l) => l.event === 'message' && l.from === ready.id && l.text === text);
      await waitFor(
        () => events(page),
        (e) => e.some((x) => x.kind === 'message' && x.text === text && x.from === ready.id),
        text,
      );
    }

    // Backpressure: a flood without waiting is refused before the reliable buffer passes its cap,
    // then drains — host → Chromium, Node player → host and Chromium → host. (A synchronous loop:
    // nothing leaves the buffer meanwhile, so the bytes accepted bound what was buffered.)
    for (const [who, to] of [
      [host, pageId],
      [node, 'host'],
    ] as const) {
      const flood = await who.request(`flood ${to}`, (l) => l.event === 'flooded' || l.event === 'error');
      expect(flood).toMatchObject({ event: 'flooded', error: 'RoomBufferFullError' });
      expect(flood.bytes as number).toBeLessThanOrEqual(flood.cap as number);
      expect(flood.sent as number).toBeGreaterThan(16);
    }
    const pageFlood = await call(page, 'flood');
    expect(pageFlood.error).toBe('RoomBufferFullError');
    expect(pageFlood.peak).toBeLessThanOrEqual(RELIABLE_HARD_CAP);
    expect(pageFlood.sent).toBeGreaterThan(16);

    // Unadmitted: an untrusted peer without the secret, one with a wrong secret, one the host trusts
    // (paired by PIN) but that never had the secret, and that peer forging a join — all refused.
    const { room, host: hostId } = decodeRoomInvite(invite);
    const noSecret = encodeRoomInvite({ room, host: hostId });
    const wrongSecret = encodeRoomInvite({ room, host: hostId, secret: new Uint8Array(16).fill(7) });
    const intruder = member(b, ['player', b.ip, url]);
    await intruder.next((l) => l.event === 'ready');
    const answer = (l: Record<string, unknown>) => l.event === 'joined' || l.event === 'refused';
    expect(await intruder.request(`join ${noSecret} Eve`, answer)).toMatchObject({ reason: 'not-admitted' });
    expect(await intruder.request(`join ${wrongSecret} Eve`, answer)).toMatchObject({
      reason: 'not-admitted',
    });
    const pin = (await host.request('show-pin', (l) => l.event === 'pin')).pin as string;
    expect(
      await intruder.request(`pair-pin ${hostId} ${pin}`, (l) => l.event === 'paired' || l.event === 'error'),
    ).toMatchObject({ event: 'paired' });
    expect(await intruder.request(`join ${noSecret} Eve`, answer)).toMatchObject({ reason: 'not-admitted' });
    expect(
      await intruder.request(`forge-join ${hostId}`, (l) => l.event === 'forged' || l.event === 'error'),
    ).toMatchObject({ answer: 'refused:not-admitted' });
    const refusedStats = await host.request('stats', (l) => l.event === 'stats');
    // Two reached the host (the trusted peer twice); the other two failed at pairing, never admitted.
    expect(refusedStats.stats).toMatchObject({ admitted: 2, refused: { 'not-admitted': 2 } });
    expect(view((await host.request('members', (l) => l.event === 'members')).members)).toEqual(expected);

    // A clean leave reaches the host and the browser within CLEAN_LEAVE_MS.
    const t0 = Date.now();
    await node.request('leave', (l) => l.event === 'left');
    const hostSaw = await host.next((l) => l.event === 'leave' && l.id === nodeId);
    const pageSaw = await waitFor(
      () => events(page),
      (e) => e.some((x) => x.kind === 'leave' && x.id === nodeId),
      'page leave',
    );
    const pageLeave = pageSaw.find((x) => x.kind === 'leave' && x.id === nodeId) as PageEvent & {
      at: number;
      reason: string;
    };
    expect(hostSaw.reason).toBe('left');
    expect(pageLeave.reason).toBe('left');
    expect((hostSaw.at as number) - t0).toBeLessThanOrEqual(CLEAN_LEAVE_MS);
    expect(pageLeave.at - t0).toBeLessThanOrEqual(CLEAN_LEAVE_MS);

    // A trusted member rejoins with an invite that has no secret: nothing to type.
    expect(await node.request(`join ${noSecret} Ann`, answer)).toMatchObject({ event: 'joined' });
    await waitFor(
      () => call(page, 'members'),
      (m) => m.length === 3,
      'rejoin on the page',
    );

    // A member killed (no goodbye) reaches everyone within VANISHED_MS.
    const t1 = Date.now();
    node.child.kill('SIGKILL');
    const hostLost = await host.next(
      (l) => l.event === 'leave' && l.id === nodeId && (l.at as number) > t1,
      VANISHED_MS + 2000,
    );
    const pageLost = await waitFor(
      () => events(page),
      (e) => e.some((x) => x.kind === 'leave' && x.id === nodeId && x.at > t1),
      'page sees the vanished member',
      VANISHED_MS + 2000,
    );
    const pageLostAt = (
      pageLost.filter((x) => x.kind === 'leave' && x.id === nodeId).at(-1) as { at: number }
    ).at;
    expect((hostLost.at as number) - t1).toBeLessThanOrEqual(VANISHED_MS);
    expect(pageLostAt - t1).toBeLessThanOrEqual(VANISHED_MS);
    expect(await call(page, 'rtt')).toBeGreaterThanOrEqual(0);

    // A second page joins; the first page is closed (its `pagehide` says goodbye): the host and the
    // second page see it leave within CLEAN_LEAVE_MS.
    const page2 = await (await chromium.browser.newContext()).newPage();
    await page2.goto(url.replace(/^ws:/, 'http:'));
    await page2.waitForFunction(() => 'roomE2e' in globalThis);
    const second = await call(page2, 'join', invite, 'Cy');
    if (!second.ok) throw new Error(`second page join failed: ${JSON.stringify(second)}`);
    expect(view(await call(page2, 'members'))).toEqual([
      `host:Host:${ready.id}`,
      `player:Bea:${pageId}`,
      `player:Cy:${second.id}`,
    ]);
    const t2 = Date.now();
    await page.close();
    const hostSawPage = await host.next((l) => l.event === 'leave' && l.id === pageId);
    const page2Saw = await waitFor(
      () => events(page2),
      (e) => e.some((x) => x.kind === 'leave' && x.id === pageId),
      'page 2 sees page 1 go',
    );
    const page2Leave = page2Saw.find((x) => x.kind === 'leave' && x.id === pageId) as {
      at: number;
      reason: string;
    };
    // The goodbye is best effort: a page torn down before its last message leaves (a loaded machine)
    // is seen by the silence watch instead, within VANISHED_MS.
    const bound = hostSawPage.reason === 'timeout' ? VANISHED_MS : CLEAN_LEAVE_MS;
    expect(['left', 'disconnected', 'timeout']).toContain(hostSawPage.reason);
    expect((hostSawPage.at as number) - t2).toBeLessThanOrEqual(bound);
    expect(page2Leave.at - t2).toBeLessThanOrEqual(bound);

    // The host closes the room: the page's room ends with `host-left` and the host's message.
    await host.request('close game-over', (l) => l.event === 'closed');
    const ended = await waitFor(
      () => events(page2),
      (e) => e.some((x) => x.kind === 'ended'),
      'page 2 ended',
    );
    expect(ended.find((x) => x.kind === 'ended')).toMatchObject({
      reason: 'host-left',
      message: 'game-over',
    });
    // The measured times, for whoever reads the test log.
    console.log(
      `rooms e2e: clean leave seen by host ${(hostSaw.at as number) - t0} ms, by Chromium ${pageLeave.at - t0} ms; ` +
        `killed member seen by host ${(hostLost.at as number) - t1} ms, by Chromium ${pageLostAt - t1} ms; ` +
        `closed page seen by host ${(hostSawPage.at as number) - t2} ms (${hostSawPage.reason}), by Chromium ${page2Leave.at - t2} ms`,
    );
    host.child.kill('SIGTERM');
    intruder.child.kill('SIGTERM');
  }, 60_000);
});
