/**
 * The split vitest.config.ts runs by (scripts/test-groups.mjs): every test file lands in exactly one
 * group, and a file that reaches a socket, a child process or a browser — directly, through a helper, or
 * through a workspace package — is never run beside another.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { testGroups } from '../../scripts/test-groups.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

/** A throw-away repository laid out like this one, from `path → text`. */
function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lanrtc-test-groups-'));
  temps.push(dir);
  for (const sub of ['packages', 'examples']) mkdirSync(join(dir, sub));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('test groups', () => {
  it('puts every test file of this repository in exactly one group, the network ones isolated', () => {
    const { parallel, isolated } = testGroups(root);
    expect(parallel.filter((f) => isolated.includes(f))).toEqual([]);
    expect(parallel.length).toBeGreaterThan(20);
    for (const f of [
      'packages/mdns-announcer/test/announce-browse.test.ts', // multicast in the runner's namespace
      'packages/node-agent/test/transfer/send-receive.test.ts', // werift through a package index
      'packages/browser-client/test/relay-e2e/relay-tamper.test.ts', // Chromium on a namespace LAN
      'packages/node-agent/test/store/crash.test.ts', // child processes through a support module
      'test/docs/readme-blocks.test.ts',
    ])
      expect(isolated).toContain(f);
    for (const f of ['packages/signal-core/test/pairing/cpace.test.ts', 'examples/lan-game/test/sim.test.ts'])
      expect(parallel).toContain(f);
    // Import-shaped text counts too (this file's fixtures below): a false alarm only ever isolates.
    expect(isolated).toContain('test/ci/test-groups.test.ts');
  });

  it('follows relative helpers and workspace packages to the module that isolates', () => {
    const dir = repo({
      'packages/net/package.json': JSON.stringify({
        name: '@x/net',
        exports: { '.': { source: './src/index.ts' }, './pure': { source: './src/pure.ts' } },
      }),
      'packages/net/src/index.ts': "export * from './socket.js';\n",
      'packages/net/src/socket.ts': "import { createSocket } from 'node:dgram';\nexport { createSocket };\n",
      'packages/net/src/pure.ts': 'export const one = 1;\n',
      'packages/net/test/pure.test.ts': "import { one } from '@x/net/pure';\n",
      'packages/net/test/index.test.ts': "import { createSocket } from '@x/net';\n",
      'packages/net/test/helper.ts': "import { spawn } from 'child_process';\nexport { spawn };\n",
      'packages/net/test/helped.test.ts': "import { spawn } from './helper.js';\n",
      'packages/net/test/cycle-a.ts': "import './cycle-b.js';\nimport 'playwright-core';\n",
      'packages/net/test/cycle-b.ts': "import './cycle-a.js';\n",
      'packages/net/test/cycle.test.ts': "import './cycle-b.js';\n",
      'packages/net/test/dynamic.test.ts': "const ws = await import('ws');\n",
      'examples/app/test/plain.test.ts': "import { join } from 'node:path';\n",
      'test/unknown-subpath.test.ts': "import '@x/net/missing';\n",
    });
    expect(testGroups(dir)).toEqual({
      parallel: ['examples/app/test/plain.test.ts', 'packages/net/test/pure.test.ts'],
      isolated: [
        'packages/net/test/cycle.test.ts',
        'packages/net/test/dynamic.test.ts',
        'packages/net/test/helped.test.ts',
        'packages/net/test/index.test.ts',
        'test/unknown-subpath.test.ts',
      ],
    });
  });
});
