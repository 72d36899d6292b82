import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const client = (file: string) => fileURLToPath(new URL(`./src/client/${file}`, import.meta.url));

// Two pages: the player's (index.html, served on the LAN) and the host screen (screen.html, served on
// 127.0.0.1 only). Workspace packages resolve to their TypeScript sources (the `source` export
// condition), so the bundle never picks up a stale dist/ build. No CDN: everything is in the bundle.
export default defineConfig({
  root: client(''),
  base: './',
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { index: client('index.html'), screen: client('screen.html') } },
  },
});
