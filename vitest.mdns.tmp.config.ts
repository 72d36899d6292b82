import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: '/work/main',
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
