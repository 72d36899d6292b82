/**
 * The system Chromium (Debian's `/usr/bin/chromium`, never a browser a test tool downloads) with the
 * flags docs/PLATFORM.md lists for a quiet, offline, headless test browser, optionally inside a LAN host's
 * network namespace through a tiny `ip netns exec` wrapper (Playwright's debugging pipe survives it).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep a headless Chromium offline and quiet (docs/PLATFORM.md "Headless Chromium 156"). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch Chromium, inside network namespace `netns` when given; `close()` also removes the wrapper. */
export async function launchChromium(
  netns?: string,
  extraArgs: readonly string[] = [],
): Promise<{ browser: Browser; close(): Promise<void> }> {
  let dir: string | undefined;
  let executablePath = CHROMIUM_PATH;
  if (netns) {
    if (!/^[\w.-]+$/.test(netns)) throw new TypeError('network namespace name has unexpected characters');
    dir = mkdtempSync(join(tmpdir(), 'lanrtc-chromium-'));
    executablePath = join(dir, 'chromium-in-netns.sh');
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec '${netns}' ${CHROMIUM_PATH} "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      timeout: 15_000,
    });
  } catch (error) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    browser,
    async close() {
      await browser.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
