/**
 * Two processes updating one store at once (an agent and the CLI, say) lose no write: each change
 * takes the store's lock file and re-reads the file under it (src/store/lock.ts, trust-file.ts).
 */
import { writeFileSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { samplePeer } from '../../../signal-core/test/trust/conformance.js';
import { createFileTrustStore } from '../../src/index.js';
import { exited, startFixture, tempDir, waitForLine } from './support.js';

describe('file trust store across processes', () => {
  it('keeps all 2 × 100 increments of two processes racing on one record', async () => {
    const file = join(tempDir(), 'trust.json');
    const store = await createFileTrustStore({ file });
    const target = samplePeer(1);
    await store.update(target.id, () => target);
    const children = [0, 1].map(() => startFixture('trust-writer.ts', [file, 'atomic', '100', '--wait']));
    await Promise.all(children.map((c) => waitForLine(c, 'waiting')));
    // Both are loaded and waiting: release them together so their updates interleave.
    const done = children.map((c) => waitForLine(c, 'done'));
    for (const c of children) c.stdin?.end('go\n');
    await Promise.all(done);
    for (const c of children) expect(await exited(c)).toEqual([0, null]);
    expect((await store.get(target.id))?.failures).toBe(200);
  }, 60_000);

  it('writers released together onto a lock left by a dead process break it once: no update lost', async () => {
    const file = join(tempDir(), 'trust.json');
    const store = await createFileTrustStore({ file });
    const target = samplePeer(1);
    await store.update(target.id, () => target);
    const dead = 2 ** 22 + 12345; // above Linux's pid_max default range: no such process
    const boot = Math.round(Date.now() / 1000 - uptime());
    const rounds = 4;
    const writers = 6;
    for (let round = 0; round < rounds; round++) {
      // As after a crash mid-update: every writer finds the same stale lock at the same moment.
      writeFileSync(
        `${file}.lock`,
        JSON.stringify({ pid: dead, host: hostname(), boot, token: `r${round}` }),
      );
      const children = Array.from({ length: writers }, () =>
        startFixture('trust-writer.ts', [file, 'atomic', '1', '--wait']),
      );
      await Promise.all(children.map((c) => waitForLine(c, 'waiting')));
      const done = children.map((c) => waitForLine(c, 'done'));
      for (const c of children) c.stdin?.end('go\n');
      await Promise.all(done);
      for (const c of children) expect(await exited(c)).toEqual([0, null]);
    }
    // Two writers that both removed the stale lock (the second removing the first's fresh one)
    // would both write from the same old value: one increment lost.
    expect((await store.get(target.id))?.failures).toBe(rounds * writers);
  }, 120_000);
});
