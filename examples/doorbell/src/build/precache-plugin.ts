/**
 * Build step of the viewer: the service worker (`sw.js`) must know the hashed names of the files it
 * precaches, which exist only once the bundle is written. This Vite plugin replaces the placeholder
 * string in the worker's chunk with the list of every emitted file (and the public files), and names
 * the cache after a hash of that list, so each build gets a cache of its own and the old one is dropped.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import type { Plugin } from 'vite';

/** The string literal `sw.ts` carries where the precache list goes (a JSON array of relative URLs). */
export const PRECACHE_PLACEHOLDER = '__DOORBELL_PRECACHE__';
/** The string literal `sw.ts` carries where the cache's name goes. */
export const CACHE_NAME_PLACEHOLDER = '__DOORBELL_CACHE__';

/** Replace the string literal `placeholder` (in any quotes: the minifier picks them) with `value`. */
function fill(code: string, placeholder: string, value: string): string {
  const literal = new RegExp(`(["'\`])${placeholder}\\1`, 'g');
  if (!literal.test(code))
    throw new Error(`precache: the service worker lacks the placeholder ${placeholder}`);
  return code.replace(literal, () => value);
}

/** A Vite plugin that fills `sw.js`'s precache list with the build's output files. */
export function precacheServiceWorker(init: { publicDir: string; worker?: string }): Plugin {
  const worker = init.worker ?? 'sw.js';
  return {
    name: 'doorbell-precache',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => name !== worker && !name.endsWith('.map'));
      const publicFiles = readdirSync(init.publicDir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `${entry.parentPath.slice(init.publicDir.length).replace(/^\/?/, '')}/${entry.name}`)
        .map((path) => path.replace(/^\//, ''));
      // `./` is the page itself (index.html), what a reload offline asks for.
      const urls = ['./', ...[...files, ...publicFiles].sort().map((f) => `./${f}`)];
      const version = createHash('sha256').update(urls.join('\n')).digest('hex').slice(0, 12);
      const chunk = bundle[worker];
      if (chunk?.type !== 'chunk') throw new Error(`precache: no ${worker} chunk in the bundle`);
      chunk.code = fill(
        fill(chunk.code, PRECACHE_PLACEHOLDER, JSON.stringify(urls)),
        CACHE_NAME_PLACEHOLDER,
        JSON.stringify(`doorbell-${version}`),
      );
    },
  };
}
