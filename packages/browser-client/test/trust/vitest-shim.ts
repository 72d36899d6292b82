/**
 * Test-only stand-in for `vitest` inside the browser bundle that runs signal-core's trust
 * conformance suite in Chromium: `describe`/`it` collect cases, and `expect` is vitest's own
 * matcher library (@vitest/expect on chai), so the suite's assertions mean exactly what they mean
 * under vitest.
 */
import { chai, JestAsymmetricMatchers, JestChaiExpect, JestExtend } from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

/** A collected test case. */
export interface Case {
  readonly name: string;
  readonly fn: () => unknown;
}

/** Cases registered so far, in order. */
export const cases: Case[] = [];
const prefix: string[] = [];

/** Collect the cases registered by `fn` under `name`. */
export function describe(name: string, fn: () => void): void {
  prefix.push(name);
  try {
    fn();
  } finally {
    prefix.pop();
  }
}

/** Register one case. */
export function it(name: string, fn: () => unknown): void {
  cases.push({ name: [...prefix, name].join(' > '), fn });
}

/** vitest's `expect` (the chai-based matcher set vitest itself installs). */
export const expect = chai.expect as unknown as typeof import('vitest').expect;
