/** The README keeps up with the CLI: a quickstart of ≤ 15 lines first, every subcommand documented. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { overview } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('packages/cli/README.md', () => {
  it('opens with a quickstart of at most 15 lines', () => {
    const first = /```(\w*)\n([\s\S]*?)```/.exec(readme);
    expect(first?.[1]).toBe('sh');
    expect((first?.[2] ?? '').trimEnd().split('\n').length).toBeLessThanOrEqual(15);
  });

  it('documents every subcommand the CLI has', () => {
    const names = [...overview().matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]);
    expect(names).toEqual([
      'id',
      'card',
      'listen',
      'browse',
      'connect',
      'receive',
      'send',
      'expose',
      'paste',
      'peers',
      'relay',
    ]);
    for (const name of names) expect(readme).toContain(`| \`lanrtc ${name}`);
  });
});
