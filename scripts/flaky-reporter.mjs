// A vitest reporter that lists the tests that failed and then passed on a retry (`retry` is on only
// under CI=true, see vitest.config.ts): scripts/test.mjs prints them by name before the totals, so a
// flaky test is reported, never silently counted as a plain pass.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export default class FlakyReporter {
  flaky = [];

  onTestCaseResult(testCase) {
    const d = testCase.diagnostic();
    if (d?.flaky)
      this.flaky.push({
        name: testCase.fullName,
        file: relative(process.cwd(), testCase.module.moduleId),
        retries: d.retryCount,
      });
  }

  onTestRunEnd() {
    mkdirSync('.test-results', { recursive: true });
    writeFileSync(
      process.env.LANRTC_FLAKY_OUT ?? join('.test-results', 'flaky.json'),
      JSON.stringify(this.flaky, null, 2),
    );
  }
}
