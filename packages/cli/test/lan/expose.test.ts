/**
 * `lanrtc expose` on one namespace host in front of a plain node:http server there; on the other host
 * a Node client finds it over mDNS (type `http`), pairs by the PIN expose shows, and fetches through
 * `openHttpClient`: JSON from a granted path, 403 for a path outside `--path`; expose prints one line
 * per request and the server sees only the granted request, with its own host.
 */
import { fileURLToPath } from 'node:url';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { expect, it } from 'vitest';
import { MAIN } from '../support.js';
import { cliLan, text, watch } from './support.js';

const ORIGIN = fileURLToPath(new URL('./fixtures/http-origin.ts', import.meta.url));
const CLIENT = fileURLToPath(new URL('./fixtures/http-client.ts', import.meta.url));

describeLan('lanrtc expose: a local web server to a peer paired by PIN', () => {
  const env = cliLan();

  it('serves a granted path and answers 403 outside it, one line per request', async () => {
    const [configA, configB] = [env.config(), env.config()];
    const page = (await loadOrCreateNodeIdentity({ dir: configB })).identity.id;
    const [a, b] = await env.hosts(2);
    const origin = watch(a.node(ORIGIN));
    const port = Number((await origin.next((l) => typeof l.port === 'number', 'origin port')).port);
    const expose = watch(
      a.node(MAIN, [
        ...['expose', `http://127.0.0.1:${port}`, '--path', '/api', '--pin', '--name', 'Nas'],
        ...['--address', a.ip, '--port', '0', '--config', configA],
      ]),
    );
    const pin = String((await expose.next(text(/^PIN: \d{6}$/), 'PIN')).text).slice('PIN: '.length);
    await expose.next(text(/^announced "Nas" over mDNS \(type http\)$/), 'announced');

    const client = await b.execNode(CLIENT, [b.ip, configB, pin, '/api/status?x=1', '/admin'], {
      timeoutMs: 30_000,
    });
    expect(client.stderr).toBe('');
    const lines = client.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ event: 'connected', paired: true });
    expect(lines[1]).toMatchObject({ path: '/api/status?x=1', status: 200 });
    expect(JSON.parse(lines[1].body)).toEqual({
      device: 'legacy',
      url: '/api/status?x=1',
      host: `127.0.0.1:${port}`,
    });
    expect(lines[2]).toMatchObject({ path: '/admin', status: 403 });
    expect(lines[2].body).toMatch(/no http:web grant/);

    await expose.next(text(new RegExp(`^granted ${page} http:web /api$`)), 'granted');
    await expose.next(text(/^GET \/api\/status\?x=1 200 \d+ B \d+ ms /), 'request line');
    await expose.next(text(/^GET \/admin 403 \d+ B \d+ ms /), '403 line');
    expect(origin.seen.filter((l) => l.event === 'request')).toEqual([
      { event: 'request', url: '/api/status?x=1', host: `127.0.0.1:${port}` },
    ]);
    expose.kill();
    origin.kill();
    expect(await expose.exited).toBe(0);
  }, 90_000);
});
