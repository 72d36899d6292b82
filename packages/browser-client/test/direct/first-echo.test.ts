/**
 * Regression: Chromium → Node device by direct connect, the page's first messages after in-band
 * authentication are answered at once, not after SCTP's 1 s retransmission timeout.
 *
 * What went wrong (docs/werift-patches.md §7): werift sent its DTLS Finished as epoch 1 with the next
 * epoch-0 record number and restarted application records at 1, so one later record (the device, as
 * DTLS server: the 8th) repeated that number and Chromium's replay protection dropped it. On the
 * "already paired" path that record was the DCEP ACK of the page's first app channel; werift re-sent
 * it 1 s later (its minimum RTO) and the page's first echo came after ~1.1 s. Node connectors do no
 * replay check, so only browsers saw it.
 *
 * The test pairs once from the pairing card, then reconnects from the plain card (the proof path,
 * as bench:direct does) three times; on each it opens an app channel and plays ping-pong, every
 * round trip bounded well below 1 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import type { Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { call, ok, openPage, received, serveInHost, writePage } from '../qr-e2e/harness.js';
import { type DeviceLine, deviceLines } from '../relay-e2e/harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Well below werift's 1 s minimum RTO, well above a round trip on the test LAN (a few ms). */
const ROUND_TRIP_BOUND_MS = 600;
const ROUNDS = 12;

type Ready = DeviceLine & { id: string; cardText: string; pairingText: string };

/** Send `text` on `chat` (opening it first when `create`) and time until its echo is back. */
async function roundTrip(page: Page, create: boolean, text: string): Promise<number> {
  const t0 = performance.now();
  ok(await call(page, 'chat', create, text));
  await expect
    .poll(async () => (await received(page)).messages.includes(`chat:echo:${text}`), {
      timeout: 5_000,
      interval: 5,
    })
    .toBe(true);
  return performance.now() - t0;
}

describeLan('direct connect: Chromium page → Node device, first messages answered at once', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  it('echoes the first message on a new app channel, and every later one, well under the 1 s RTO', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-first-echo-'));
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
    const page = browser.page;
    const me = ok(await call(page, 'start'));

    expect(ok(await call(page, 'connectText', ready.pairingText))).toMatchObject({ paired: true });
    await call(page, 'close');
    await device.next((l) => l.ended === me.id);

    const samples: { first: number; max: number }[] = [];
    for (let run = 0; run < 3; run++) {
      expect(ok(await call(page, 'connectText', ready.cardText))).toMatchObject({
        remote: ready.id,
        paired: false,
      });
      const first = await roundTrip(page, true, `r${run}-0`);
      let max = first;
      for (let i = 1; i < ROUNDS; i++) max = Math.max(max, await roundTrip(page, false, `r${run}-${i}`));
      samples.push({ first: Math.round(first), max: Math.round(max) });
      await call(page, 'close');
      await expect
        .poll(() => device.lines.filter((l) => l.ended === me.id).length, { timeout: 5_000 })
        .toBe(run + 2);
    }
    console.log(JSON.stringify({ test: 'direct first echo', boundMs: ROUND_TRIP_BOUND_MS, samples }));
    for (const s of samples) expect(s.max).toBeLessThan(ROUND_TRIP_BOUND_MS);
    expect(device.lines.filter((l) => 'peerError' in l)).toEqual([]);
  }, 60_000);
});
