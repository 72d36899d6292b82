/**
 * The doorbell announces itself over mDNS as device type `doorbell`: a browser of that subtype on
 * another LAN host finds its verified card — the doorbell's identity, its name, its direct-connect
 * port.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan, type LanHost } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildViewer, type DoorbellProcess, localApi, startDoorbellIn } from '../support/doorbell-process.js';

const browseScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'browse-doorbells.ts');

describeLan('doorbell: announced over mDNS as type doorbell', () => {
  let lan: Lan;
  let doorbell: DoorbellProcess;
  const cleanup: (() => unknown)[] = [];
  beforeAll(async () => {
    lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
  }, 60_000);
  afterAll(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
  }, 30_000);

  it('another host browsing _doorbell._sub finds its verified card', async () => {
    const [a, b] = lan.hosts as [LanHost, LanHost];
    const viewer = await buildViewer();
    cleanup.push(() => viewer.remove());
    doorbell = await startDoorbellIn(a, [
      '--announce',
      '--viewer-dir',
      viewer.dir,
      '--address',
      a.ip,
      '--name',
      'Porch',
    ]);
    cleanup.push(() => doorbell.stop());
    const status = (await localApi(a, 'GET', '/status')).body as { id: string };
    const found = await b.execNode(browseScript, [b.ip], { timeoutMs: 20_000 });
    expect(found.code, found.stderr).toBe(0);
    const card = JSON.parse(found.stdout) as {
      id: string;
      name: string;
      deviceTypes: string[];
      candidates: unknown[];
    };
    expect(card).toMatchObject({ id: status.id, name: 'Porch', deviceTypes: ['doorbell'] });
    expect(JSON.stringify(card.candidates)).toContain(`${a.ip}`);
    expect(JSON.stringify(card.candidates)).toContain('47800');
  }, 60_000);
});
