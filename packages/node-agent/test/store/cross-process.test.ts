/**
 * Two processes updating one store at once (an agent and the CLI, say) lose no write: each change
 * takes the store's lock file and re-reads the file under it (src/store/lock.ts, trust-file.ts).
 */
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
});
