// The `lan` CLI end to end: `up` holds a LAN until Ctrl-C (SIGINT), `list` and `clean` see it.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { isDead } from '../../../test/kit/processes.js';
import { describeLan } from '../src/vitest.js';
import { exited, lineReader, startTs, surviving, tsNodeArgs } from './support.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

describeLan('lan CLI', () => {
  it('up prints the hosts, holds the LAN, and tears it down on SIGINT', async () => {
    const child = startTs(CLI, ['up', '--hosts', '2', '--name', 'cli']);
    const out = lineReader(child);
    const header = await out.next();
    expect(header).toMatch(/^LAN \d+-[0-9a-f]{4}: 2 hosts on 10\.\d+\.\d+\.0\/24, built in \d+ ms$/);
    const bridge = (await out.next()).replace('bridge namespace: ', '');
    const hosts = [await out.next(), await out.next()].map((l) => l.trim().split(/\s+/));
    const names = [...hosts.map((h) => h[1] as string), bridge];
    for (const n of names) expect(n).toMatch(/^lrtc-\d+-[0-9a-f]{4}-cli-(h1|h2|br)$/);
    expect(await out.next()).toMatch(/^run a command in a host: {2}ip netns exec lrtc-/);
    expect(await out.next()).toBe('press Ctrl-C to tear the LAN down');
    expect(await surviving(names)).toEqual(names);

    // `list` from a second process shows them as live; `clean` leaves them alone.
    const run = (args: string[]) => promisify(execFile)(process.execPath, tsNodeArgs(CLI, args));
    const listed = (await run(['list'])).stdout;
    for (const n of names) expect(listed).toContain(`${n}\tpid ${child.pid}\tlive`);
    await run(['clean']);
    expect(await surviving(names)).toEqual(names);

    child.kill('SIGINT');
    expect(await out.next()).toBe('');
    expect(await out.next()).toMatch(/^SIGINT: LAN \S+ torn down$/);
    expect(await exited(child)).toEqual([0, null]);
    expect(await surviving(names)).toEqual([]);
    expect(isDead(child.pid as number)).toBe(true);
  });
});
