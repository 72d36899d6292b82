/**
 * `lanrtc send` → `lanrtc receive` between two namespace hosts, as a script runs them (no terminal):
 * the first send pairs with `--pin` and is declined (a sender pairing now is always asked, and the
 * receiver has no terminal to ask on) with nothing written; the second, from the now trusted sender,
 * is accepted by `--yes` and the directory tree arrives byte-identical over TLS; sent again over the
 * DataChannel lane every file is already there; a new file moves over the DataChannel.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { expect, it } from 'vitest';
import { MAIN } from '../support.js';
import { cliLan, text, watch } from './support.js';

/** Every file under `root`: its path relative to `root` → SHA-256 (hex). */
function treeHashes(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(relative(root, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(root);
  return out;
}

describeLan('lanrtc send / receive: a directory between two hosts', () => {
  const env = cliLan();

  it('declines a first contact without a terminal, then a trusted sender gets it byte-identical', async () => {
    const [configA, configB, inbox] = [env.config(), env.config(), env.config()];
    const shed = (await loadOrCreateNodeIdentity({ dir: configA })).identity.id;
    const phone = (await loadOrCreateNodeIdentity({ dir: configB })).identity.id;
    const photos = join(configB, 'photos');
    mkdirSync(join(photos, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(photos, 'a.bin'), randomBytes(3_000_000));
    writeFileSync(join(photos, 'sub', 'b.txt'), 'hello\n');
    writeFileSync(join(photos, 'sub', 'deeper', 'c.bin'), randomBytes(1_500_000));
    writeFileSync(join(photos, 'empty.txt'), '');
    const [a, b] = await env.hosts(2);

    const receive = watch(
      a.node(MAIN, [
        ...['receive', '--pin', '--yes', '--name', 'Shed'],
        ...['--address', a.ip, '--port', '0', '--dir', inbox, '--config', configA],
      ]),
    );
    const pin = String((await receive.next(text(/^PIN: \d{6}$/), 'PIN')).text).slice('PIN: '.length);
    await receive.next(text(/^waiting for `lanrtc send`/), 'receiver ready');
    const send = (...args: string[]) =>
      b.execNode(MAIN, ['send', ...args, '--interface', b.ip, '--config', configB], { timeoutMs: 60_000 });

    const first = await send(photos, '--to', 'Shed', '--pin', pin, '--name', 'Phone');
    expect(first.stdout).toContain(`found "Shed" (${shed}) at ${a.ip}:`);
    expect(first.stdout).toContain(`connected to Shed (${shed}), paired now; waiting for it to accept`);
    expect(first.stderr).toMatch(/^lanrtc send: TransferDeclinedError: the receiver declined/);
    expect(first.code).toBe(1);
    await receive.next(text(new RegExp(`^"Phone" \\(${phone}\\) offers 4 files, 4\\.5 MB$`)), 'offer 1');
    await receive.next(
      text(/^declined: a sender pairing now is always asked, and stdin is not a terminal to ask on$/),
      'declined',
    );
    expect(readdirSync(inbox)).toEqual([]);

    const second = await send(photos, '--to', 'Shed');
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`connected to Shed (${shed}); waiting for it to accept\n`);
    for (const [path, size] of [
      ['photos/a.bin', '3.0 MB'],
      ['photos/sub/b.txt', '6 B'],
      ['photos/sub/deeper/c.bin', '1.5 MB'],
      ['photos/empty.txt', '0 B'],
    ])
      expect(second.stdout).toContain(`sent ${path} (${size})\n`);
    expect(second.stdout).toMatch(
      /\nsent 4 files, 4\.5 MB \(4\.5 MB moved, 0 B already there\) over tls in \d+\.\d s, \d+\.\d MB\/s to "Shed"\n$/,
    );
    await receive.next(
      text(new RegExp(`^accepted \\(--yes: "Phone" \\(${phone}\\) is trusted\\)$`)),
      'accepted',
    );
    await receive.next(
      text(/^received 4 files, 4\.5 MB \(4\.5 MB moved, 0 B already there\) over tls in .* from "Phone"/),
      'received',
    );
    expect(treeHashes(join(inbox, 'photos'))).toEqual(treeHashes(photos));
    expect(statSync(join(inbox, 'photos', 'empty.txt')).size).toBe(0);

    const again = await send(photos, '--to', 'Shed', '--lane', 'datachannel');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already there photos/a.bin (3.0 MB)\n');
    // The sender counts an empty file as sent (it has no chunk the receiver could say it holds).
    expect(again.stdout).toMatch(
      /\nsent 4 files, 4\.5 MB \(0 B moved, 4\.5 MB already there in 3 files\) over datachannel in /,
    );
    await receive.next(
      text(/^received 4 files, 4\.5 MB \(0 B moved, 4\.5 MB already there in 4 files\) over datachannel /),
      'held at the receiver',
    );
    expect(readdirSync(join(inbox, 'photos')).sort()).toEqual(['a.bin', 'empty.txt', 'sub']);

    const extra = join(configB, 'extra.bin');
    writeFileSync(extra, randomBytes(700_000));
    const fallback = await send(extra, '--to', shed, '--lane', 'datachannel');
    expect(fallback.code).toBe(0);
    expect(fallback.stdout).toMatch(
      /\nsent 1 file, 700\.0 kB \(700\.0 kB moved, 0 B already there\) over datachannel /,
    );
    expect(readFileSync(join(inbox, 'extra.bin')).equals(readFileSync(extra))).toBe(true);

    receive.kill();
    expect(await receive.exited).toBe(0);
  }, 180_000);
});
