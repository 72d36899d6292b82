/** An app's own routes on the relay's origin (`onRequest`): asked first, static files otherwise, 500 on a throw, the relay still upgrades. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type ListeningRelay } from '../../src/index.js';
import { client, IN_NETNS } from '../helpers.js';

describe.skipIf(!IN_NETNS)('onRequest: app routes beside static files and the relay', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanrtc-app-routes-'));
  let relay: ListeningRelay;
  beforeAll(async () => {
    writeFileSync(join(root, 'index.html'), '<h1>app</h1>');
    relay = await createRelay({
      staticDir: root,
      path: '/relay',
      onRequest: async (req, res) => {
        if (req.url === '/info.json') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
          return true;
        }
        if (req.url === '/boom') throw new Error('app bug');
        return false;
      },
    });
  });
  afterAll(async () => {
    await relay.close();
    rmSync(root, { recursive: true, force: true });
  });
  const url = (path: string) => `http://127.0.0.1:${relay.address.port}${path}`;

  it('answers its own route, leaves the rest to the static files, 500 when it throws', async () => {
    const info = await fetch(url('/info.json'));
    expect([info.status, await info.json()]).toEqual([200, { ok: true }]);
    const page = await fetch(url('/'));
    expect([page.status, await page.text()]).toEqual([200, '<h1>app</h1>']);
    expect((await fetch(url('/missing.txt'))).status).toBe(404);
    expect((await fetch(url('/boom'))).status).toBe(500);
  });

  it('the relay on its path still logs clients in', async () => {
    const c = await client(`ws://127.0.0.1:${relay.address.port}/relay`);
    expect(c.localId).toHaveLength(26);
    c.close();
  });
});
