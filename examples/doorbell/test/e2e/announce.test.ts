/**
 * The doorbell announces itself over mDNS as device type `doorbell`: a browser of that subtype on
 * another LAN host finds its verified card — the doorbell's identity, its name, its direct-connect
 * port.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { expect, it } from 'vitest';
import { useDoorbellLan } from '../support/doorbell-lan.js';
import { localApi } from '../support/doorbell-process.js';

const browseScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'browse-doorbells.ts');

describeLan('doorbell: announced over mDNS as type doorbell', () => {
  const fixture = useDoorbellLan(['--announce', '--name', 'Porch']);

  it('another host browsing _doorbell._sub finds its verified card', async () => {
    const { a, b } = fixture();
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
