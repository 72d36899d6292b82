/**
 * The repository cites only documents it contains: the team's planning notes (the design, facts and
 * style files kept outside the repository) are not here, so a reader could not follow a citation of
 * them. Their content lives in docs/ARCHITECTURE.md, docs/PLATFORM.md and docs/CONTRIBUTING.md.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Built from parts so that this file does not match itself.
const outside = new RegExp(`\\b(?:${['DESIGN', 'FACTS', 'STYLE'].join('|')})\\.md\\b`);

/** Tracked and untracked-but-not-ignored files: everything but node_modules, .git and build output. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  return out.split('\0').filter((f) => f !== '' && !f.split('/').includes('node_modules'));
}

describe('citations', () => {
  it('no file cites a planning document that is not in the repository', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(100);
    const hits: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(root, file), 'utf8');
      } catch {
        continue; // listed but deleted in the work tree
      }
      text.split('\n').forEach((line, i) => {
        if (outside.test(line)) hits.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
