/**
 * The system Firefox ESR (Debian's `/usr/bin/firefox-esr`, never a browser a test tool downloads),
 * driven by puppeteer-core over WebDriver BiDi, optionally inside a LAN host's network namespace.
 * Unlike Chromium's debugging pipe, Firefox's BiDi endpoint is a TCP port on the namespace's own
 * loopback, which this process cannot reach; so the executable is a small bridge script that starts
 * Firefox with `ip netns exec`, listens on this side's loopback, forwards each connection through an
 * `ip netns exec` helper to Firefox's port, and prints the rewritten endpoint line puppeteer waits for.
 * lan-harness does not depend on puppeteer-core: the caller passes it in.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipBin } from './ip.js';

/** Debian's Firefox ESR. */
export const FIREFOX_PATH = '/usr/bin/firefox-esr';

/** Prefs that keep Firefox from phoning home (docs/PLATFORM.md "Firefox ESR 153"), on top of puppeteer's own. */
export const FIREFOX_PREFS: Readonly<Record<string, unknown>> = {
  'services.settings.server': 'http://127.0.0.1:1/',
};

/** Environment that keeps Firefox's remote settings offline (docs/PLATFORM.md "Firefox ESR 153"). */
export const FIREFOX_ENV: Readonly<Record<string, string>> = { MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' };

/** The part of puppeteer-core's `launch` options this launcher sets. */
export interface FirefoxLaunchOptions {
  browser: 'firefox';
  executablePath: string;
  headless: boolean;
  userDataDir: string;
  extraPrefsFirefox: Record<string, unknown>;
  env: Record<string, string | undefined>;
  timeout: number;
}

/** The puppeteer-core module (`import puppeteer from 'puppeteer-core'`), or anything launching alike. */
export interface FirefoxPuppeteer<B extends { close(): Promise<void> }> {
  launch(options: FirefoxLaunchOptions): Promise<B>;
}

/** Options of launchFirefox. */
export interface LaunchFirefoxOptions<B extends { close(): Promise<void> }> {
  /** puppeteer-core's default export. */
  readonly puppeteer: FirefoxPuppeteer<B>;
  /** Extra prefs, over FIREFOX_PREFS (e.g. `media.peerconnection.ice.obfuscate_host_addresses`). */
  readonly prefs?: Readonly<Record<string, unknown>>;
  /** Launch timeout (default 20 000 ms). */
  readonly timeoutMs?: number;
}

/** Runs in this process's namespace; argv: <ip> <netns> <firefox> ...firefox-args. */
const BRIDGE = `import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
const [ip, ns, exe, ...args] = process.argv.slice(2);
const ff = spawn(ip, ['netns', 'exec', ns, exe, ...args], { stdio: ['ignore', 'inherit', 'pipe'] });
const PIPE = "const s=require('net').connect(+process.argv[1],'127.0.0.1');process.stdin.pipe(s);s.pipe(process.stdout);s.on('error',()=>process.exit(1));s.on('close',()=>process.exit(0));";
let server;
createInterface({ input: ff.stderr }).on('line', (line) => {
  const m = /^WebDriver BiDi listening on ws:\\/\\/(?:127\\.0\\.0\\.1|localhost):(\\d+)(.*)$/.exec(line);
  if (!m || server) return void process.stderr.write(line + '\\n');
  server = createServer((socket) => {
    const c = spawn(ip, ['netns', 'exec', ns, process.execPath, '-e', PIPE, m[1]], { stdio: ['pipe', 'pipe', 'ignore'] });
    c.stdin.on('error', () => {});
    c.stdout.pipe(socket);
    // Firefox's server rejects a Host header naming another port: rewrite it in the handshake.
    let head = Buffer.alloc(0);
    const onData = (d) => {
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\\r\\n\\r\\n');
      if (end < 0) return;
      socket.off('data', onData);
      const text = head.subarray(0, end).toString('latin1').replace(/^host:.*$/im, 'Host: 127.0.0.1:' + m[1]);
      c.stdin.write(Buffer.concat([Buffer.from(text, 'latin1'), head.subarray(end)]));
      socket.pipe(c.stdin);
    };
    socket.on('data', onData);
    socket.on('error', () => c.kill()).on('close', () => c.kill());
    c.on('exit', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1', () =>
    process.stderr.write('WebDriver BiDi listening on ws://127.0.0.1:' + server.address().port + m[2] + '\\n'));
});
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => ff.kill(sig));
ff.on('exit', (code) => {
  server?.close();
  process.exit(code ?? 1);
});
`;

/**
 * Launch headless Firefox with a fresh profile, inside network namespace `netns` when given;
 * `close()` closes it and removes the profile and the bridge.
 */
export async function launchFirefox<B extends { close(): Promise<void> }>(
  netns: string | undefined,
  opts: LaunchFirefoxOptions<B>,
): Promise<{ browser: B; close(): Promise<void> }> {
  if (netns !== undefined && !/^[\w.-]+$/.test(netns)) {
    throw new TypeError('network namespace name has unexpected characters');
  }
  const dir = mkdtempSync(join(tmpdir(), 'lanrtc-firefox-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  let browser: B;
  try {
    const userDataDir = join(dir, 'profile');
    mkdirSync(userDataDir);
    let executablePath = FIREFOX_PATH;
    if (netns !== undefined) {
      writeFileSync(join(dir, 'bridge.mjs'), BRIDGE);
      executablePath = join(dir, 'firefox-in-netns.sh');
      const bridge = [process.execPath, join(dir, 'bridge.mjs'), ipBin(), netns, FIREFOX_PATH];
      writeFileSync(executablePath, `#!/bin/sh\nexec ${bridge.map((a) => `'${a}'`).join(' ')} "$@"\n`);
      chmodSync(executablePath, 0o755);
    }
    browser = await opts.puppeteer.launch({
      browser: 'firefox',
      executablePath,
      headless: true,
      userDataDir,
      extraPrefsFirefox: { ...FIREFOX_PREFS, ...opts.prefs },
      env: { ...process.env, ...FIREFOX_ENV },
      timeout: opts.timeoutMs ?? 20_000,
    });
  } catch (error) {
    remove();
    throw error;
  }
  return {
    browser,
    async close() {
      try {
        await browser.close();
      } finally {
        remove();
      }
    },
  };
}
