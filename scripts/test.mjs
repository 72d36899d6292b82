#!/usr/bin/env node
// The test runner behind `pnpm test`: vitest inside a private network namespace (scripts/netns-run.mjs),
// then one totals line `N passed, N failed`. Under CI=true a skipped test counts as a failure: CI must
// prove the LAN and browser tests ran, not that they were skipped.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// Per run, so two runs at once (a developer and a helper, say) never read each other's report.
const out = join('.test-results', `vitest-${process.pid}.json`);
const flakyOut = join('.test-results', `flaky-${process.pid}.json`);
mkdirSync('.test-results', { recursive: true });
rmSync(out, { force: true });
rmSync(flakyOut, { force: true });
const extra = process.argv.slice(2);
const r = spawnSync(
  process.execPath,
  [
    'scripts/netns-run.mjs',
    'node_modules/.bin/vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    '--reporter=./scripts/flaky-reporter.mjs',
    `--outputFile.json=${out}`,
    ...extra,
  ],
  { stdio: 'inherit', env: { ...process.env, LANRTC_FLAKY_OUT: flakyOut } },
);

let report;
try {
  report = JSON.parse(readFileSync(out, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  console.error('test: vitest wrote no report (it crashed or was not started)');
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A file that failed to load has no test results of its own: count it as one failure.
const brokenFiles = (report.testResults ?? []).filter(
  (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
).length;
let failed = (report.numFailedTests ?? 0) + brokenFiles;
if (r.status !== 0 && failed === 0) {
  // vitest failed without a failing test: unhandled errors, a crashed worker, a config error.
  console.error(
    'test: vitest exited non-zero with no failing test (unhandled errors?) — counted as a failure',
  );
  failed = 1;
}
if (process.env.CI === 'true' && skipped > 0) {
  console.error(`test: CI=true and ${skipped} test(s) were skipped — every LAN/browser test must run in CI`);
  failed += skipped;
}
let flaky = [];
try {
  flaky = JSON.parse(readFileSync(flakyOut, 'utf8'));
} catch {
  // No list: no retry happened or the reporter did not run; the totals still stand.
}
for (const t of flaky) console.log(`flaky: failed, then passed on retry ${t.retries}: ${t.file} > ${t.name}`);
// The last run's report stays at the usual place for a look afterwards.
renameSync(out, join('.test-results', 'vitest.json'));
rmSync(flakyOut, { force: true });
const status = r.status === 0 && failed === 0 && passed > 0 ? 0 : 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status);
