/**
 * A Node process that exits without closing its media source does not leave ffmpeg running: a child
 * Node starts a source, prints ffmpeg's pid and exits; the pid must be gone soon after.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IN_NETNS } from '../peer/pair.js';

const pkg = fileURLToPath(new URL('../../', import.meta.url));

/** True while `pid` is a live (not zombie) process. */
const alive = (pid: number) =>
  existsSync(`/proc/${pid}/stat`) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

describe.skipIf(!IN_NETNS)('ffmpeg does not outlive its Node process', () => {
  it('process exit without close() kills ffmpeg', async () => {
    const script =
      "import { createMediaSource } from '@lanrtc/node-agent'; const s = await createMediaSource({ input: { kind: 'test-pattern' } }); console.log(s.stats().pid); process.exit(0);";
    const out = execFileSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: pkg,
        encoding: 'utf8',
      },
    );
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    await expect.poll(() => alive(pid), { timeout: 5_000 }).toBe(false);
  }, 30_000);
});
