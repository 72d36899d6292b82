/**
 * `lanrtc send` finding its receiver on a namespace LAN: with none announced it is `NoReceiverError`;
 * with `lanrtc receive` running on host A (type files) and a `lanrtc listen` of another type beside
 * it, `--to` a name nobody announces and `--to` the listener's name are both `DeviceNotFoundError`
 * (only files receivers count), and without `--to` and without a terminal the receivers found are
 * named in a usage error.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { expect, it } from 'vitest';
import { MAIN } from '../support.js';
import { cliLan, text, watch } from './support.js';

describeLan('lanrtc send: finding the receiver', () => {
  const env = cliLan();

  it('none, --to nobody, --to a device of another type, a list without a terminal', async () => {
    const [configA, configB, inbox] = [env.config(), env.config(), env.config()];
    const shed = (await loadOrCreateNodeIdentity({ dir: configA })).identity.id;
    const file = join(configB, 'note.txt');
    writeFileSync(file, 'hello\n');
    const [a, b] = await env.hosts(2);
    const send = (...args: string[]) =>
      b.execNode(MAIN, ['send', file, ...args, '--interface', b.ip, '--config', configB], {
        timeoutMs: 30_000,
      });

    const none = await send('--timeout', '2');
    expect(none.stderr).toBe(
      'looking for receivers (`lanrtc receive`) for 2 s…\nlanrtc send: NoReceiverError: no receiver (device type files) announced itself within 2 s: is `lanrtc receive` running on this LAN? (--timeout S looks longer)\n',
    );
    expect(none.code).toBe(1);

    const receive = watch(
      a.node(MAIN, [
        'receive',
        '--name',
        'Shed',
        '--address',
        a.ip,
        '--port',
        '0',
        '--dir',
        inbox,
        '--config',
        configA,
      ]),
    );
    const lamp = watch(
      a.node(MAIN, [
        'listen',
        '--name',
        'Lamp',
        '--type',
        'game',
        '--address',
        a.ip,
        '--port',
        '0',
        '--config',
        configA,
      ]),
    );
    await receive.next(text(/^waiting for `lanrtc send`/), 'receiver announced');
    await lamp.next(text(/^announced "Lamp" over mDNS$/), 'listener announced');
    expect(receive.seen.map((l) => l.text)).toEqual([
      `receiving into ${inbox}`,
      expect.stringMatching(new RegExp(`^listening on udp ${a.ip.replaceAll('.', '\\.')} port \\d+$`)),
      'announced "Shed" over mDNS (type files)',
      'waiting for `lanrtc send` (Ctrl-C stops)',
    ]);

    const nobody = await send('--to', 'Nobody', '--timeout', '2');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe(
      `lanrtc send: DeviceNotFoundError: no device named or with id "Nobody" announced itself within 2 s (mDNS on ${b.ip}, type files; 1 other device(s) seen) — \`lanrtc browse\` lists what is there\n`,
    );
    const lampOnly = await send('--to', 'Lamp', '--timeout', '2');
    expect(lampOnly.code).toBe(1);
    expect(lampOnly.stderr).toContain('DeviceNotFoundError: no device named or with id "Lamp"');

    const list = await send();
    expect(list.code).toBe(2);
    expect(list.stderr.split('\n').slice(0, 2)).toEqual([
      'looking for receivers (`lanrtc receive`) for 3 s…',
      `lanrtc send: give --to NAME|ID; receivers found: "Shed" (${shed})`,
    ]);
    expect(list.stderr).toContain('usage: lanrtc send PATH...');
    expect(list.stdout).toBe('');

    for (const w of [receive, lamp]) w.kill();
    expect(await receive.exited).toBe(0);
    expect(receive.seen.at(-1)?.text).toBe('stopping (SIGTERM)');
  }, 90_000);
});
