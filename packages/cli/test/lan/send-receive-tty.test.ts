/**
 * `lanrtc send` and `lanrtc receive` on terminals (pseudo-terminals in two namespace hosts), as a
 * person uses them: `send` with no `--to` lists the receivers and takes a number, asks for the PIN
 * the receiver shows, the receiver asks whether to accept — "n" declines (the sender fails with
 * `TransferDeclinedError`, nothing is written), "y" on the next send accepts, and both draw
 * cli-progress bars and end with the summary; the file arrives byte-identical.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { expect, it } from 'vitest';
import { ptyLanrtc } from './pty.js';
import { cliLan } from './support.js';

describeLan('lanrtc send / receive on terminals', () => {
  const env = cliLan();

  it('pick by number, PIN typed, "n" declines, "y" accepts with progress bars', async () => {
    const [configA, configB, inbox] = [env.config(), env.config(), env.config()];
    const shed = (await loadOrCreateNodeIdentity({ dir: configA })).identity.id;
    const phone = (await loadOrCreateNodeIdentity({ dir: configB })).identity.id;
    const file = join(configB, 'video.bin');
    writeFileSync(file, randomBytes(24_000_000));
    const [a, b] = await env.hosts(2);

    const receive = ptyLanrtc(a, [
      ...['receive', '--pin', '--name', 'Shed', '--address', a.ip, '--port', '0'],
      ...['--dir', inbox, '--config', configA],
    ]);
    const pin = (await receive.next(/PIN: (\d{6})\n/, 'PIN'))[1] as string;
    await receive.next(/waiting for `lanrtc send`/, 'receiver ready');

    const first = ptyLanrtc(b, ['send', file, '--name', 'Phone', '--interface', b.ip, '--config', configB]);
    await first.next(
      new RegExp(`1\\) "Shed"  ${shed}  ${a.ip.replaceAll('.', '\\.')}:\\d+  not paired\\n`),
      'list',
    );
    await first.next(/send to \[1-1\] $/, 'pick prompt');
    first.type('1\n');
    await first.next(
      /not paired with "Shed" yet: PIN it shows \(`lanrtc receive --pin`\), or Enter to compare digits \(`lanrtc receive --compare`\): $/,
      'PIN prompt',
    );
    first.type(`${pin}\n`);
    await receive.next(new RegExp(`"Phone" \\(${phone}\\) offers 1 file, 24\\.0 MB\\n`), 'offer');
    await receive.next(/accept into \S+\? \[y\/N\] $/, 'accept prompt');
    receive.type('n\n');
    await first.next(/lanrtc send: TransferDeclinedError: /, 'declined at the sender');
    expect(await first.exited).toBe(1);
    expect(receive.text()).toMatch(/\ndeclined\n/);
    expect(readdirSync(inbox)).toEqual([]);

    const second = ptyLanrtc(b, ['send', file, '--to', 'Shed', '--interface', b.ip, '--config', configB]);
    await receive.next(/offers 1 file, 24\.0 MB\n[\s\S]*offers 1 file, 24\.0 MB\n/, 'second offer');
    await receive.next(/\[y\/N\] [\s\S]*\[y\/N\] $/, 'second accept prompt');
    receive.type('y\n');
    await second.next(
      /sent 1 file, 24\.0 MB \(24\.0 MB moved, 0 B already there\) over tls in [\d.]+ s, [\d.]+ MB\/s to "Shed"/,
      'summary',
    );
    expect(await second.exited).toBe(0);
    await receive.next(/received 1 file, 24\.0 MB .* from "Phone"/, 'received summary');
    // cli-progress drew the bars (block characters, the rate and ETA columns) on both terminals.
    for (const run of [second, receive]) {
      expect(run.text()).toMatch(
        /total {24}█{24} 100% \| [\d.]+ [kMG]?B\/s \| ETA 0:00 \| 24\.0 MB\/24\.0 MB/,
      );
      expect(run.raw()).toContain('\u001b[?25l'); // cursor hidden while drawing…
      expect(run.raw()).toContain('\u001b[?25h'); // …and shown again
    }
    // Buffer.equals, not toEqual: vitest compares (and diffs) 24 MB element by element.
    expect(readFileSync(join(inbox, 'video.bin')).equals(readFileSync(file))).toBe(true);
    receive.kill();
    await receive.exited;
  }, 180_000);
});
