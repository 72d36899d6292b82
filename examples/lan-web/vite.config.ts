import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (file: string) => fileURLToPath(new URL(`./src/page/${file}`, import.meta.url));

// One page plus its service worker (the /lan/ bridge). Workspace packages resolve to their TypeScript
// sources (the `source` export condition), so the bundle never picks up a stale dist/ build. No CDN:
// everything is in the bundle.
export default defineConfig({
  root: page(''),
  base: './',
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { index: page('index.html'), sw: page('sw.ts') },
      // The service worker keeps a fixed name at the root: its URL is what the page registers, and
      // its place decides its scope (the whole origin, so /lan/ is under it).
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
});
