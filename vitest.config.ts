import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the `source` export condition), never to a
  // stale dist/ build.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // CI only: a failing test runs once more. The LAN and browser tests run real ICE/DTLS/SCTP and real
    // Chromium on a shared 2-core machine, where a rare timing failure must not throw away a whole run;
    // a test that passes only on the retry is listed by name as flaky (scripts/flaky-reporter.mjs) above
    // the totals line. Locally (`pnpm test` without CI=true) nothing is retried, so a flake shows.
    retry: process.env.CI === 'true' ? 1 : 0,
  },
});
