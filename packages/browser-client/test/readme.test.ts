/**
 * The README quickstart is browser code, so it cannot run in Node like the other packages'
 * quickstarts; instead the e2e page (test/e2e/page.ts) must make the same calls. This test keeps
 * the two from drifting: every API call in the quickstart appears in the page.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '../README.md'), 'utf8');
const page = readFileSync(join(here, 'e2e/page.ts'), 'utf8');
const quickstart = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

describe('README quickstart', () => {
  it('is the first code block and at most 15 lines', () => {
    expect(readme.indexOf('```ts')).toBe(readme.indexOf('```'));
    const lines = quickstart.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.length).toBeLessThanOrEqual(15);
  });

  it('makes only calls that the e2e page makes too', () => {
    const calls = [
      ...quickstart.matchAll(
        /\b(createBrowserAgent|agent\.\w+(?:\.\w+)?|connection\.peer\.channel|channel\.\w+)\b/g,
      ),
    ].map((m) =>
      (m[1] as string)
        .replace(/^agent\./, '.')
        .replace(/^connection\./, '.')
        .replace(/^channel\./, '.'),
    );
    expect(new Set(calls)).toEqual(
      new Set([
        'createBrowserAgent',
        '.trust.get',
        '.enterPin',
        '.connect',
        '.peer.channel',
        '.onmessage',
        '.send',
      ]),
    );
    for (const call of calls) expect(page).toContain(call);
    expect(page).toContain("peer.channel('lanrtc')");
  });
});
