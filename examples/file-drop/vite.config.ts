import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Workspace packages resolve to their TypeScript sources (the `source` export condition), so the bundle
// never picks up a stale dist/ build. No CDN, no external font or script: everything is in the bundle.
export default defineConfig({
  root: fileURLToPath(new URL('./src/page/', import.meta.url)),
  base: './',
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  build: {
    outDir: fileURLToPath(new URL('./dist/page', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
});
