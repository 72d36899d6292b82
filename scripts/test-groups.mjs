// Splits the test files into the two groups vitest.config.ts runs: `isolated` files run one at a time,
// `parallel` files run two at once before them. A file is isolated when it, or any repository module it
// imports (followed transitively, workspace packages included), reaches something that shares the
// runner's network namespace, the machine's cores with an outside process, or real-time deadlines: a
// socket, a child process, a browser, the LAN harness, mDNS or werift. Everything else is plain
// computation over memory and private temp directories, which two workers can run side by side.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Module specifiers whose use makes a test file isolated. */
const ISOLATING = new Set([
  'child_process',
  'dgram',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'cluster',
  'worker_threads',
  'playwright-core',
  'multicast-dns',
  'werift',
  'ws',
]);

/** The folders vitest.config.ts includes test files from: each package's and example's `test`, and `test`. */
function testRoots(root) {
  const roots = [join(root, 'test')];
  for (const base of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, base))) {
      const dir = join(root, base, name, 'test');
      if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) roots.push(dir);
    }
  }
  return roots;
}

/** The root of a bare specifier: `node:dgram` → `dgram`, `@scope/pkg/sub` → `@scope/pkg`. */
function bareRoot(spec) {
  const s = spec.startsWith('node:') ? spec.slice(5) : spec;
  const parts = s.split('/');
  return s.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** Workspace package name → its `source` export map (subpath → file). */
function workspacePackages(root) {
  const map = new Map();
  for (const base of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, base))) {
      const dir = join(root, base, name);
      let pkg;
      try {
        pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      const exports = new Map();
      for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
        if (target && typeof target === 'object' && typeof target.source === 'string')
          exports.set(sub, join(dir, target.source));
      }
      map.set(pkg.name, { dir, exports });
    }
  }
  return map;
}

/** Resolves a relative TypeScript import (`./x.js` → `./x.ts`, `./dir` → `./dir/index.ts`). */
function resolveLocal(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [
    base,
    base.replace(/\.(m?js)$/, (_, ext) => (ext === 'mjs' ? '.mts' : '.ts')),
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      // not this candidate
    }
  }
  return undefined;
}

const SPEC_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

/**
 * Partitions the test files under `root` into `{ parallel, isolated }`, each a sorted list of paths
 * relative to `root`.
 */
export function testGroups(root = process.cwd()) {
  const packages = workspacePackages(root);
  const edges = new Map(); // module → { direct: reaches an isolating module itself, next: modules it imports }

  function edgesOf(file) {
    const known = edges.get(file);
    if (known !== undefined) return known;
    const e = { direct: false, next: [] };
    edges.set(file, e);
    let src;
    try {
      src = readFileSync(file, 'utf8');
    } catch {
      e.direct = true; // unreadable: the safe side
      return e;
    }
    for (const m of src.matchAll(SPEC_RE)) {
      const spec = m[1];
      if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec);
        // A JSON, wasm or missing file holds no imports; a TS/JS file is followed.
        if (target !== undefined && /\.(m?ts|m?js)$/.test(target)) e.next.push(target);
        continue;
      }
      const rootName = bareRoot(spec);
      if (ISOLATING.has(rootName)) {
        e.direct = true;
        continue;
      }
      const pkg = packages.get(rootName);
      if (pkg !== undefined) {
        const target = pkg.exports.get(spec === rootName ? '.' : `.${spec.slice(rootName.length)}`);
        // A workspace subpath without a source entry cannot be judged: the safe side.
        if (target === undefined) e.direct = true;
        else e.next.push(target);
      }
    }
    return e;
  }

  function reaches(file) {
    const seen = new Set([file]);
    const queue = [file];
    while (queue.length > 0) {
      const e = edgesOf(queue.pop());
      if (e.direct) return true;
      for (const n of e.next) {
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
    return false;
  }

  const parallel = [];
  const isolated = [];
  for (const dir of testRoots(root)) {
    for (const file of walk(dir, [])) {
      (reaches(file) ? isolated : parallel).push(relative(root, file));
    }
  }
  return { parallel: parallel.sort(), isolated: isolated.sort() };
}
