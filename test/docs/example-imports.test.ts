/**
 * Apps are built on the packages' public exports only: every import in `examples/*` of a workspace
 * package names the package (or a subpath it exports), never a path into `packages/` or its `src/`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** The exported subpaths of each workspace package, e.g. `@lanrtc/signal-core/codec`. */
function exportedSpecifiers(): Set<string> {
  const out = new Set<string>();
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const json = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Record<string, unknown>;
    };
    for (const sub of Object.keys(json.exports ?? { '.': null }))
      out.add(sub === '.' ? json.name : `${json.name}/${sub.replace(/^\.\//, '')}`);
  }
  return out;
}

it('examples import workspace packages by their exported names only', () => {
  const exported = exportedSpecifiers();
  const files = readdirSync(join(root, 'examples')).flatMap((app) => sources(join(root, 'examples', app)));
  expect(files.length).toBeGreaterThan(0);
  const wrong: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      if (!spec) continue;
      const where = `${relative(root, file)}: ${spec}`;
      if (spec.includes('/packages/') || (spec.includes('/src/') && spec.startsWith('@lanrtc/')))
        wrong.push(where);
      else if (spec.startsWith('@lanrtc/') && !exported.has(spec)) wrong.push(where);
    }
  }
  expect(wrong).toEqual([]);
});
