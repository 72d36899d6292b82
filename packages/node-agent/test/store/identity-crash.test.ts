/**
 * A writer of the identity file SIGKILLed mid-write leaves its temporary file (the secret key in it)
 * behind; the next open removes it, and the identity file itself is never half-written. The kill is
 * sent the moment a temporary appears in the directory, so most kills land inside a write.
 */
import { readdirSync, watch } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadOrCreateNodeIdentity } from '../../src/index.js';
import { exited, startFixture, tempDir, waitForLine } from './support.js';

const ROUNDS = 5;
const temporaries = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('identity file under SIGKILL', () => {
  it('removes the temporaries killed writers left, and opens an intact identity', async () => {
    const dir = tempDir();
    let left = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const child = startFixture('identity-writer.ts', [dir]);
      await waitForLine(child, 'ready');
      const watcher = watch(dir, (_event, name) => {
        if (name?.endsWith('.tmp')) child.kill('SIGKILL');
      });
      const [, signal] = await exited(child);
      watcher.close();
      expect(signal).toBe('SIGKILL');
      left += temporaries(dir).length;
      // Open as an agent would after the crash: the dead writer's temporary goes, the file is whole.
      const opened = await loadOrCreateNodeIdentity({ dir });
      const again = await loadOrCreateNodeIdentity({ dir });
      expect(again.identity.id).toBe(opened.identity.id);
      expect(temporaries(dir)).toEqual([]);
    }
    console.log(
      `identity crash: ${left} temporaries in ${ROUNDS} kills left by killed writers, all removed on open`,
    );
    // The harness must have caught writers mid-write, or it proved nothing.
    expect(left).toBeGreaterThan(0);
  }, 120_000);
});
