/** `pnpm start` must keep working: run the demo as a child process and read what it prints. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IN_NETNS } from '../peer/pair.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe.skipIf(!IN_NETNS)('pairing demo (pnpm start)', () => {
  it('pairs by PIN, connects, exchanges a message, reconnects without a PIN, and exits 0', () => {
    const r = spawnSync(
      'node_modules/.bin/tsx',
      ['--conditions=source', 'packages/node-agent/src/demo/pairing-demo.ts'],
      { cwd: root, encoding: 'utf8', timeout: 30_000, env: process.env },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const pin = /PIN shown on screen: (\d{6})/.exec(r.stdout)?.[1];
    expect(pin).toMatch(/^\d{6}$/);
    expect(r.stdout).toContain(`user types ${pin}`);
    expect(r.stdout).toContain('received "hello phone, I got: hello device"');
    expect(r.stdout).toContain('no PIN asked');
    expect(r.stdout).toContain('done:');
  });
});
