/** Each package README's first code block is a runnable quickstart (docs/CONTRIBUTING.md): run it. */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IN_NETNS } from '../peer/pair.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

const cases = [
  { pkg: 'signal-core', expect: /Front door \d+ bytes\ntrue\nLR1:/ },
  { pkg: 'node-agent', expect: /^hi phone$/m },
  { pkg: 'mdns-announcer', expect: /^up Front door [a-z2-7]{26} \[ '10\.77\.0\.1'/m },
  { pkg: 'relay', expect: /^members seen by b: 1\nhello over the relay$/m },
];

describe.skipIf(!IN_NETNS)('README quickstarts', () => {
  it.each(cases)('packages/$pkg/README.md runs and prints what it promises', ({ pkg, expect: shape }) => {
    const readme = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    expect((code as string).trimEnd().split('\n').length).toBeLessThanOrEqual(15);
    // Inside the package so `@lanrtc/...` resolves exactly as it does for a user of the package.
    const file = join(root, 'packages', pkg, `.quickstart-${process.pid}.ts`);
    writeFileSync(file, code as string);
    try {
      const r = spawnSync(join(root, 'node_modules/.bin/tsx'), ['--conditions=source', file], {
        cwd: join(root, 'packages', pkg),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(shape);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
