/**
 * Vitest helpers for LAN tests: `describeLan` runs a suite only where a namespace LAN can be built.
 * Elsewhere it skips with a loud notice, and under CI=true it fails instead: CI must prove that the
 * LAN tests ran, not that they were skipped (scripts/test.mjs also counts skips as failures there).
 */
import { describe, it } from 'vitest';
import { type LanAvailabilityProbe, lanAvailability } from './availability.js';

/** Why LAN tests cannot run here, or undefined when they can. */
export function lanSkipReason(probe: LanAvailabilityProbe = {}): string | undefined {
  const a = lanAvailability(probe);
  return a.ok ? undefined : a.reason;
}

function notice(name: string, reason: string): void {
  // Test helper talking to the terminal on purpose: a silent skip would hide missing coverage.
  // biome-ignore lint/suspicious/noConsole: the loud skip notice is this helper's job
  console.warn(
    `\n!!! LAN TESTS SKIPPED: "${name}": ${reason}.\n!!! Run as root (e.g. \`pnpm test\` on a root machine) to run them.\n`,
  );
}

/**
 * `describe` for a suite that needs a namespace LAN: runs `fn` when possible; otherwise skips loudly,
 * or, when `CI === 'true'`, registers one failing test instead.
 */
export function describeLan(name: string, fn: () => void): void {
  const reason = lanSkipReason();
  if (reason === undefined) {
    describe(name, fn);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('requires root and iproute2 (CI must run the LAN tests)', () => {
        throw new Error(`LAN tests cannot run under CI=true: ${reason}`);
      });
    });
  } else {
    notice(name, reason);
    describe.skip(name, fn);
  }
}

/** For a single test: returns true when it may run, else warns (or, under CI=true, throws). */
export function lanTestOrSkip(name = 'LAN test', probe: LanAvailabilityProbe = {}): boolean {
  const reason = lanSkipReason(probe);
  if (reason === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`LAN tests cannot run under CI=true: ${reason}`);
  notice(name, reason);
  return false;
}
