import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { testGroups } from './scripts/test-groups.mjs';

const include = ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'];
// Test files that touch no socket, child process, browser, LAN or werift (scripts/test-groups.mjs) run
// two at a time first; the rest — real ICE/DTLS/SCTP, mDNS, Chromium, deadlines measured in wall time —
// then run one at a time, as before, so they never compete with each other for the CPU or the runner's
// network namespace. Without this split vitest's default on a 2-core machine is one worker for all.
const { parallel } = testGroups(fileURLToPath(new URL('.', import.meta.url)));

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the `source` export condition), never to a
  // stale dist/ build.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // CI only: a failing test runs once more. The LAN and browser tests run real ICE/DTLS/SCTP and real
    // Chromium on a shared 2-core machine, where a rare timing failure must not throw away a whole run;
    // a test that passes only on the retry is listed by name as flaky (scripts/flaky-reporter.mjs) above
    // the totals line. Locally (`pnpm test` without CI=true) nothing is retried, so a flake shows.
    retry: process.env.CI === 'true' ? 1 : 0,
    projects: [
      {
        extends: true,
        test: { name: 'parallel', include: parallel, maxWorkers: Math.max(2, availableParallelism()) },
      },
      {
        // Whatever the classifier did not list as parallel, new files included, runs here.
        extends: true,
        test: {
          name: 'isolated',
          include,
          exclude: [...configDefaults.exclude, ...parallel],
          fileParallelism: false,
        },
      },
    ],
  },
});
