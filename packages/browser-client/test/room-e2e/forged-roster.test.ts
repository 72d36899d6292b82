/**
 * A hostile room host against a Chromium member: after an honest roster it sends an extra member
 * whose name another key signed, a roster signed by another identity, and a replay of the first.
 * The page (signal-core's checks running in Chromium) applies none of them and counts each.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { bundleForBrowser, launchChromium, pageCaller } from '../helpers/chromium.js';
import { deviceLines } from '../relay-e2e/harness.js';
import type { RoomE2e } from './page.js';

const here = dirname(fileURLToPath(import.meta.url));
const call = pageCaller<RoomE2e>('roomE2e');

describeLan('rooms: a hostile host cannot forge presence in a Chromium member', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  it('forged, foreign-signed and replayed rosters are dropped and counted; the roster stays honest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-rooms-forger-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>',
    );
    writeFileSync(join(dir, 'app.js'), await bundleForBrowser(join(here, 'page.ts')));
    const lan: Lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [a, c] = lan.hosts as [Lan['hosts'][number], Lan['hosts'][number]];
    const forger = deviceLines(a.node(join(here, 'forger.ts'), [a.ip, dir]));
    cleanup.push(() => forger.child.kill('SIGTERM'));
    const ready = await forger.next((l) => l.event === 'ready');
    const chromium = await launchChromium(c.name);
    cleanup.push(() => chromium.close());
    const page = await (await chromium.browser.newContext()).newPage();
    await page.goto((ready.url as string).replace(/^ws:/, 'http:'));
    await page.waitForFunction(() => 'roomE2e' in globalThis);
    const joined = await call(page, 'join', ready.invite as string, 'Bea');
    if (!joined.ok) throw new Error(`join failed: ${JSON.stringify(joined)}`);
    await forger.next((l) => l.event === 'forged');
    const deadline = Date.now() + 5000;
    let rejected = await call(page, 'rejected');
    while (Object.values(rejected).reduce((x, y) => x + y, 0) < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      rejected = await call(page, 'rejected');
    }
    expect(rejected).toEqual({ InvalidSignatureError: 2, StaleRosterError: 1 });
    expect((await call(page, 'members')).map((m) => `${m.role}:${m.name}:${m.id}`)).toEqual([
      `host:Host:${ready.id}`,
      `player:Bea:${joined.id}`,
    ]);
  }, 30_000);
});
