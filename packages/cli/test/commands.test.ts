/**
 * The small commands a script parses: `--version`, `id --json`, `card --json`, `peers` (list, rename,
 * revoke, their errors), and `paste` saying it reads stdin when stdin is a terminal.
 */
import { readFileSync } from 'node:fs';
import { createFileTrustStore, loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { createIdentity, decodeQrPayload, publicIdentity } from '@lanrtc/signal-core';
import { rememberPeer } from '@lanrtc/signal-core/trust';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';
import { memoryIo, tempConfig } from './support.js';

describe('lanrtc --version, --json, peers', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('--version prints the package version', async () => {
    const m = memoryIo();
    expect(await runCli(['--version'], m.io)).toBe(0);
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(m.stdout()).toBe(`lanrtc ${version}\n`);
  });

  it('id --json and card --json are one JSON object each, naming the same identity', async () => {
    const config = tempConfig();
    cleanup = config.cleanup;
    const id = memoryIo();
    expect(await runCli(['id', '--json', '--config', config.dir], id.io)).toBe(0);
    const ident = JSON.parse(id.stdout());
    expect(ident).toMatchObject({ id: expect.stringMatching(/^[a-z2-7]{26}$/), created: true });
    const card = memoryIo({ tty: true });
    const argv = ['card', '--json', '--name', 'Porch', '--type', 'doorbell', '--address', '10.0.0.9'];
    expect(await runCli([...argv, '--config', config.dir], card.io)).toBe(0);
    const json = JSON.parse(card.stdout());
    expect(json).toMatchObject({
      name: 'Porch',
      id: ident.id,
      types: ['doorbell'],
      fingerprint: ident.fingerprint,
      candidates: [{ address: '10.0.0.9', port: 47_800 }],
    });
    expect(decodeQrPayload(json.text)).toMatchObject({ kind: 'card', card: { id: ident.id } });
    expect(card.stdout()).not.toContain('\x1b'); // no QR code in JSON, even on a terminal
  });

  it('peers lists, renames, grants, withdraws grants and revokes; unknown ids and actions are errors', async () => {
    const config = tempConfig();
    cleanup = config.cleanup;
    await loadOrCreateNodeIdentity({ dir: config.dir });
    const run = async (...args: string[]) => {
      const m = memoryIo();
      const code = await runCli(['peers', ...args, '--config', config.dir], m.io);
      return { code, out: m.stdout(), err: m.stderr() };
    };
    expect((await run()).out).toMatch(/^no peers yet/);
    expect(JSON.parse((await run('--json')).out)).toEqual([]);

    const peer = createIdentity();
    const trust = await createFileTrustStore({ dir: config.dir });
    await rememberPeer(trust, {
      identity: publicIdentity(peer.publicKey),
      name: '',
      fingerprints: [new Uint8Array(32).fill(7)],
      pairedAt: 1_700_000_000_000,
      now: 1_700_000_000_000,
    });
    expect((await run()).out).toContain(`${peer.id}  ""  -  paired 2023-11-14T22:13:20Z`);
    expect(await run('rename', peer.id, 'Kitchen')).toMatchObject({
      code: 0,
      out: `renamed ${peer.id} to "Kitchen"\n`,
    });
    expect(JSON.parse((await run('--json')).out)).toEqual([
      expect.objectContaining({
        id: peer.id,
        name: 'Kitchen',
        paired: true,
        pairedAt: '2023-11-14T22:13:20Z',
      }),
    ]);

    expect(await run('grant', peer.id, 'http:web', '/api', '/media/')).toMatchObject({
      code: 0,
      out: `granted ${peer.id} http:web /api /media/\n`,
    });
    expect((await trust.get(peer.id))?.grants).toEqual([{ scope: 'http:web', actions: ['/api', '/media/'] }]);
    expect((await run()).out).toContain('grants: http:web /api,/media/');
    expect(JSON.parse((await run('--json')).out)[0].grants).toEqual([
      { scope: 'http:web', actions: ['/api', '/media/'] },
    ]);
    for (const bad of [
      ['grant', peer.id, 'http:web'],
      ['grant', peer.id, 'files', '/x'],
      ['grant', peer.id, 'http:Web!', '/x'],
      ['grant', peer.id, 'http:web', '/a/../b'],
      ['grant', peer.id, 'http:web', 'api'],
      ['grant', peer.id, 'http:web', '/a?x=1'],
      ['revoke-grant', peer.id],
    ]) {
      expect((await run(...bad)).code, bad.join(' ')).toBe(2);
    }
    expect((await run('grant', 'aaaaaaaaaaaaaaaaaaaaaaaaaa', 'http:web', '/')).code).toBe(1);
    expect((await trust.get(peer.id))?.grants).toEqual([{ scope: 'http:web', actions: ['/api', '/media/'] }]);
    expect(await run('revoke-grant', peer.id, 'http:web')).toMatchObject({
      code: 0,
      out: `withdrew http:web from ${peer.id}\n`,
    });
    expect((await trust.get(peer.id))?.grants).toEqual([]);
    expect((await run('revoke-grant', peer.id, 'http:web')).out).toContain('nothing changed');

    const missing = await run('revoke', 'aaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^lanrtc peers: PeerNotFoundError: no peer aaaa/);
    expect((await run('rename', peer.id, 'x'.repeat(33))).code).toBe(2);
    expect((await run('frob')).code).toBe(2);
    expect((await run('revoke')).code).toBe(2);

    const revoked = await run('revoke', peer.id);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`revoked ${peer.id} ("Kitchen")`);
    expect(await trust.get(peer.id)).toBeUndefined();
    expect((await run('revoke', peer.id)).code).toBe(1);
  });

  it('expose refuses a URL, path or service it cannot serve before starting anything', async () => {
    const config = tempConfig();
    cleanup = config.cleanup;
    for (const [args, message] of [
      [[], /give the URL/],
      [['https://127.0.0.1:8443'], /http: origin, not https:/],
      [['http://127.0.0.1:8080/admin'], /origin only/],
      [['http://user:pw@127.0.0.1:8080'], /credentials/],
      [['http://127.0.0.1:8080', '--path', '/a/../b'], /path "\/a\/\.\.\/b" must start with \//],
      [['http://127.0.0.1:8080', '--path', 'api'], /must start with \//],
      [['http://127.0.0.1:8080', '--service', 'Web!'], /not a service name/],
    ] as const) {
      const m = memoryIo();
      expect(await runCli(['expose', ...args, '--config', config.dir], m.io), args.join(' ')).toBe(2);
      expect(m.stderr()).toMatch(message);
      expect(m.stdout()).toBe('');
    }
  });

  it('paste on a terminal says it is reading stdin (on stderr)', async () => {
    const m = memoryIo();
    const io = { ...m.io, stdin: Object.assign(m.io.stdin, { isTTY: true }) };
    expect(await runCli(['paste'], io)).toBe(2); // nothing pasted before Ctrl-D
    expect(m.stderr()).toMatch(/^reading the QR text from stdin \(paste it, then Ctrl-D\)\n/);
    const piped = memoryIo({ stdin: '' });
    await runCli(['paste'], piped.io);
    expect(piped.stderr()).not.toContain('reading the QR text');
  });
});
