/**
 * "A crash never corrupts it" (docs/ARCHITECTURE.md "The objects"): a child process updates the store in a loop
 * and is SIGKILLed at a random moment, many times; after each kill the file must still be a valid
 * store holding every update the child reported. The control runs the same harness against a naive
 * in-place writer and must see a torn file, which shows the harness can fail.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { samplePeer } from '../../../signal-core/test/trust/conformance.js';
import { createFileTrustStore } from '../../src/index.js';
import { parseTrustDocument, serializeTrustDocument } from '../../src/store/trust-document.js';
import { exited, startFixture, tempDir, waitForLine } from './support.js';

const target = samplePeer(1);

/** A store file with the target peer and 30 others (~12 kB, so a write takes many syscalls). */
function seed(file: string): void {
  const peers = [target, ...Array.from({ length: 30 }, (_, i) => samplePeer(i + 2, true))];
  writeFileSync(file, serializeTrustDocument(peers), { mode: 0o600 });
}

/** The target's counter in the file, or undefined when the file does not parse as a store. */
function counter(file: string): number | undefined {
  try {
    return parseTrustDocument(readFileSync(file, 'utf8'), file).get(target.id)?.failures;
  } catch {
    return undefined;
  }
}

/**
 * `rounds` times: start `writers` children on the file at once, kill each at its own random moment
 * once it has committed one update. Returns how many rounds left the file unparseable, and the
 * counter after each round that did not.
 */
async function killLoop(
  file: string,
  mode: 'atomic' | 'in-place',
  rounds: number,
  writers: number,
  stopOnTear = false,
) {
  let torn = 0;
  const counters: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const children = Array.from({ length: writers }, () =>
      startFixture('trust-writer.ts', [file, mode, 'forever']),
    );
    await Promise.all(
      children.map(async (child) => {
        await waitForLine(child, 'ready');
        await sleep(2 + Math.random() * 30);
        child.kill('SIGKILL');
        const [, signal] = await exited(child);
        expect(signal).toBe('SIGKILL'); // killed mid-loop, not finished
      }),
    );
    const failures = counter(file);
    if (failures === undefined) {
      torn++;
      if (stopOnTear) break;
      seed(file); // go on from a valid file
    } else counters.push(failures);
  }
  return { torn, counters };
}

describe('file trust store under SIGKILL', () => {
  it('is a valid store after each of 15 writers is killed mid-write, and loses no committed update', async () => {
    const file = join(tempDir(), 'trust.json');
    seed(file);
    const { torn, counters } = await killLoop(file, 'atomic', 5, 3);
    expect(torn).toBe(0);
    expect(counters).toHaveLength(5);
    // Each of a round's 3 writers committed an update before it was killed (and the next round's
    // writers had to break the lock a killed one may have held): the counter grows by ≥ 3 a round.
    for (let i = 1; i < counters.length; i++)
      expect(counters[i]).toBeGreaterThanOrEqual((counters[i - 1] as number) + 3);
    // The file still opens as a store (a lock left by a killed writer is broken) and takes updates.
    const store = await createFileTrustStore({ file, lockTimeoutMs: 2_000 });
    const after = await store.update(target.id, (p) => p && { ...p, failures: p.failures + 1 });
    expect(after?.failures).toBe((counters.at(-1) as number) + 1);
  }, 120_000);

  it('control: the same harness catches a writer that rewrites the file in place', async () => {
    const file = join(tempDir(), 'trust.json');
    seed(file);
    const { torn } = await killLoop(file, 'in-place', 20, 1, true);
    expect(torn).toBeGreaterThan(0);
  }, 120_000);
});
