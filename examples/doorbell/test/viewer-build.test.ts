/**
 * The viewer's production build (Vite, the package's own config) into a temporary directory: the
 * service worker it emits precaches exactly the files the build wrote (hashed names included), under
 * a cache named after them, and the page needs nothing from another origin.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'doorbell-viewer-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('emits sw.js listing every built file, and nothing from another origin', async () => {
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir: out } });
  const sw = readFileSync(join(out, 'sw.js'), 'utf8');
  const list = /addAll\((\[[^\]]*\])\)/.exec(sw)?.[1];
  expect(list).toBeDefined();
  const urls = JSON.parse(list as string) as string[];
  expect(urls[0]).toBe('./');
  const files = urls.slice(1).map((u) => u.replace(/^\.\//, ''));
  expect(files).toEqual(expect.arrayContaining(['manifest.webmanifest', 'icon.svg']));
  expect(files.some((f) => /^assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
  for (const f of files) expect(existsSync(join(out, f)), f).toBe(true);
  expect(sw).toMatch(/"doorbell-[0-9a-f]{12}"/);
  expect(sw).not.toContain('__DOORBELL_');
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  for (const [, src] of html.matchAll(/(?:src|href)="\.\/([^"]+)"/g))
    expect(files, `index.html refers to ${src}`).toContain(src);
}, 60_000);
