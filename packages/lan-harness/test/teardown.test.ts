// A LAN's owner dying in every way: handlers tear down on exit/crash/signals; SIGKILL runs no handler,
// so the next createLan's stale cleanup must remove the leftovers. A live owner's LAN is never touched.
import { expect, it } from 'vitest';
import { isDead } from '../../../test/kit/processes.js';
import { createLan, listLanNetns } from '../src/index.js';
import { describeLan } from '../src/vitest.js';
import { exited, firstLine, startTsFixture, surviving } from './support.js';

interface Owned {
  namespaces: string[];
  sleeper: number;
}

async function startOwner(mode: string) {
  const child = startTsFixture('lan-owner.ts', [mode]);
  const owned = JSON.parse(await firstLine(child)) as Owned;
  expect(owned.namespaces).toHaveLength(3);
  expect(owned.sleeper).toBeGreaterThan(0);
  return { child, owned };
}

describeLan('teardown when the owner dies', () => {
  it.each([
    ['exit', 1, null],
    ['throw', 1, null],
    ['reject', 1, null],
  ] as const)('%s: handlers remove the LAN', async (mode, code, signal) => {
    const { child, owned } = await startOwner(mode);
    expect(await exited(child)).toEqual([code, signal]);
    expect(await surviving(owned.namespaces)).toEqual([]);
    expect(isDead(owned.sleeper)).toBe(true);
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    '%s: the LAN of a live owner survives another run, then the signal removes it',
    async (sig) => {
      const { child, owned } = await startOwner('hold');
      expect(isDead(owned.sleeper)).toBe(false);
      const mine = await createLan({ hosts: 1 });
      try {
        expect(mine.staleRemoved.filter((n) => owned.namespaces.includes(n))).toEqual([]);
        expect(await surviving(owned.namespaces)).toEqual(owned.namespaces);
      } finally {
        await mine.close();
      }
      child.kill(sig);
      // The handler re-raised the signal: the owner still dies of it, as without the harness.
      expect(await exited(child)).toEqual([null, sig]);
      expect(await surviving(owned.namespaces)).toEqual([]);
      expect(isDead(owned.sleeper)).toBe(true);
    },
  );

  it('SIGKILL: leftovers are stale and the next createLan removes them (and their processes)', async () => {
    const { child, owned } = await startOwner('hold');
    expect(isDead(owned.sleeper)).toBe(false);
    child.kill('SIGKILL');
    await exited(child);
    // No handler ran. (Another test file may already have cleaned up: then nothing is listed.)
    const listed = (await listLanNetns()).filter((i) => owned.namespaces.includes(i.name));
    for (const i of listed) expect(i.alive).toBe(false);
    const next = await createLan({ hosts: 1 });
    await next.close();
    expect(await surviving(owned.namespaces)).toEqual([]);
    expect(isDead(owned.sleeper)).toBe(true);
  });
});
