import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precacheServiceWorker } from './src/build/precache-plugin.js';

const viewer = (file: string) => fileURLToPath(new URL(`./src/viewer/${file}`, import.meta.url));

// The viewer is one page plus its service worker. Workspace packages resolve to their TypeScript
// sources (the `source` export condition), so the bundle never picks up a stale dist/ build.
export default defineConfig({
  root: viewer(''),
  base: './',
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  build: {
    outDir: fileURLToPath(new URL('./dist/viewer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { index: viewer('index.html'), sw: viewer('sw.ts') },
      // The service worker keeps a fixed name: its URL is what the page registers.
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
  plugins: [precacheServiceWorker({ publicDir: viewer('public') })],
});
