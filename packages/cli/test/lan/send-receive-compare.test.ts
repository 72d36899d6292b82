/**
 * First contact by numeric comparison, on terminals (pseudo-terminals in two namespace hosts):
 * `lanrtc receive --compare` and a `lanrtc send` that answers the pairing prompt with Enter both show
 * the same six digits and ask "same digits on the other screen?". Both "y": each side trusts the
 * other and the file arrives. One "n": the sender fails with `ComparisonFailedError`, neither trust store
 * holds the other and nothing is written.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { createFileTrustStore, loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { expect, it } from 'vitest';
import { ptyLanrtc } from './pty.js';
import { cliLan } from './support.js';

/** Whether the trust store in `config` holds `id`. */
async function trusts(config: string, id: string): Promise<boolean> {
  return (await (await createFileTrustStore({ dir: config })).get(id)) !== undefined;
}

describeLan('lanrtc send / receive pairing by comparison', () => {
  const env = cliLan();

  it('both confirm the same digits: paired both ways, the file arrives', async () => {
    const [configA, configB, inbox] = [env.config(), env.config(), env.config()];
    const shed = (await loadOrCreateNodeIdentity({ dir: configA })).identity.id;
    const phone = (await loadOrCreateNodeIdentity({ dir: configB })).identity.id;
    const file = join(configB, 'notes.bin');
    writeFileSync(file, randomBytes(300_000));
    const [a, b] = await env.hosts(2);

    const receive = ptyLanrtc(a, [
      ...['receive', '--compare', '--name', 'Shed', '--address', a.ip, '--port', '0'],
      ...['--dir', inbox, '--config', configA],
    ]);
    await receive.next(/pairing by comparing digits is open/, 'compare window');
    await receive.next(/waiting for `lanrtc send`/, 'receiver ready');

    const send = ptyLanrtc(b, [
      ...['send', file, '--to', 'Shed', '--name', 'Phone', '--interface', b.ip, '--config', configB],
    ]);
    await send.next(/or Enter to compare digits \(`lanrtc receive --compare`\): $/, 'pairing prompt');
    send.type('\n');
    const there = (await receive.next(/pairing code: (\d{3} \d{3})\n/, 'code at the receiver'))[1];
    const here = (await send.next(/pairing code: (\d{3} \d{3})\n/, 'code at the sender'))[1];
    expect(here).toBe(there);
    await receive.next(/same digits on the other screen\? \[y\/N\] $/, 'receiver question');
    await send.next(/same digits on the other screen\? \[y\/N\] $/, 'sender question');
    // Neither side stores anything before both have answered.
    expect(await trusts(configA, phone)).toBe(false);
    send.type('y\n');
    await send.next(/waiting for the other screen to confirm…\n/, 'waiting line');
    expect(await trusts(configB, shed)).toBe(false);
    receive.type('y\n');
    await receive.next(new RegExp(`"Phone" \\(${phone}\\) offers 1 file, 300\\.0 kB\\n`), 'offer');
    await receive.next(/accept into \S+\? \[y\/N\] $/, 'accept prompt');
    receive.type('y\n');
    await send.next(/sent 1 file, 300\.0 kB .* to "Shed"/, 'summary');
    expect(await send.exited).toBe(0);
    await receive.next(/received 1 file, 300\.0 kB .* from "Phone"/, 'received summary');
    expect(readFileSync(join(inbox, 'notes.bin')).equals(readFileSync(file))).toBe(true);
    expect(await trusts(configA, phone)).toBe(true);
    expect(await trusts(configB, shed)).toBe(true);
    receive.kill();
    await receive.exited;
  }, 120_000);

  it('one side says "n": a typed failure, nobody trusted, nothing written', async () => {
    const [configA, configB, inbox] = [env.config(), env.config(), env.config()];
    const shed = (await loadOrCreateNodeIdentity({ dir: configA })).identity.id;
    const phone = (await loadOrCreateNodeIdentity({ dir: configB })).identity.id;
    const file = join(configB, 'notes.bin');
    writeFileSync(file, randomBytes(10_000));
    const [a, b] = await env.hosts(2);

    const receive = ptyLanrtc(a, [
      ...['receive', '--compare', '--name', 'Shed', '--address', a.ip, '--port', '0'],
      ...['--dir', inbox, '--config', configA],
    ]);
    await receive.next(/waiting for `lanrtc send`/, 'receiver ready');
    const send = ptyLanrtc(b, [
      ...['send', file, '--to', 'Shed', '--compare', '--interface', b.ip, '--config', configB],
    ]);
    await receive.next(/same digits on the other screen\? \[y\/N\] $/, 'receiver question');
    await send.next(/same digits on the other screen\? \[y\/N\] $/, 'sender question');
    send.type('y\n');
    receive.type('n\n');
    const failed = await send.next(/lanrtc send: (\w+Error): (.*)\n/, 'failure at the sender');
    expect(await send.exited).toBe(1);
    expect(failed[1]).toBe('ComparisonFailedError');
    expect(failed[2]).toBe(
      '"Shed" did not confirm the digits (answered no, or did not answer in time): nothing is stored on either side',
    );
    await receive.next(
      /pairing by comparison failed \(PairingFailedError: [^)]*\); the sender is not trusted\n/,
      'failure line',
    );
    expect(await trusts(configA, phone)).toBe(false);
    expect(await trusts(configB, shed)).toBe(false);
    expect(readdirSync(inbox)).toEqual([]);
    receive.kill();
    await receive.exited;
  }, 120_000);
});
