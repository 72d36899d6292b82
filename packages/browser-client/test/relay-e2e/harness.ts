/**
 * Shared plumbing of the relay e2e tests: bundle the page once, start the device fixture in a LAN
 * host (a real relay serving the page), collect its JSON lines, and open pages in Chromium on
 * another host. Everything a test starts is registered for `teardown()`.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import type { Page } from 'playwright-core';
import { childLines } from '../../../../test/kit/child-lines.js';
import { bundleForBrowser, launchChromium, pageCaller } from '../helpers/chromium.js';
import type { RelayE2e } from './page.js';

const here = dirname(fileURLToPath(import.meta.url));
const INDEX_HTML =
  '<!doctype html><meta charset="utf-8"><title>lanrtc relay e2e</title><script type="module" src="/app.js"></script>';

/** One JSON line of the device fixture. */
export type DeviceLine = Record<string, unknown>;

/** A running device fixture: its lines, and a wait for the first line matching a predicate. */
export interface Device {
  readonly lines: DeviceLine[];
  readonly child: ChildProcess;
  next(match: (l: DeviceLine) => boolean, ms?: number): Promise<DeviceLine>;
  send(command: string): void;
  /** Send `command` and wait for the first line after it that matches. */
  request(command: string, match: (l: DeviceLine) => boolean): Promise<DeviceLine>;
}

const bundles = new Map<string, Promise<string>>();
/** A page bundle (default: this folder's page), built once per test file. */
export function pageBundle(entry = join(here, 'page.ts')): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = bundleForBrowser(entry);
    bundles.set(entry, bundle);
  }
  return bundle;
}

/** Which page the relay serves: its entry file and the global its steps are on. */
export interface PageSpec {
  readonly entry: string;
  readonly global: string;
}
const RELAY_PAGE: PageSpec = { entry: join(here, 'page.ts'), global: 'relayE2e' };

/** Collect a child's JSON lines. */
export function deviceLines(child: ChildProcess): Device {
  const out = childLines(child);
  const send = (command: string) => {
    child.stdin?.write(`${command}\n`);
  };
  return {
    lines: out.lines,
    child,
    next: (match, ms) => out.next(match, { ms: ms ?? 15_000, what: 'device line' }),
    send,
    request: (command, match) => {
      const from = out.lines.length;
      send(command);
      return out.next(match, { ms: 5_000, from, what: `answer to ${command}` });
    },
  };
}

/** A 2-host LAN: the device (relay + Node agent) on A, Chromium on B. */
export interface Setup {
  readonly lan: Lan;
  readonly device: Device;
  readonly ready: DeviceLine & { id: string; pin: string; fingerprint: string; url: string };
  /** `http://<A-ip>:<relay-port>/`: the page's origin (plain http, a LAN address). */
  readonly origin: string;
  /** Open a page in a fresh browser context (its own IndexedDB) and wait for its steps. */
  openPage(): Promise<Page>;
  teardown(): Promise<void>;
}

/**
 * Start the LAN, the device fixture (`policy`: its attempt policy) serving `page` (default: this
 * folder's), and Chromium. `setupVideo`: the device adds a video track in its agent's `setup` hook;
 * `http`: it serves HTTP on every connection (device.ts `--http`).
 */
export async function setup(
  policy: 'default' | 'lockout' | 'bench' = 'default',
  page: PageSpec = RELAY_PAGE,
  options: { setupVideo?: boolean; http?: boolean } = {},
): Promise<Setup> {
  const cleanup: (() => unknown)[] = [];
  const teardown = async () => {
    for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => {});
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-relay-e2e-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'index.html'), INDEX_HTML);
    writeFileSync(join(dir, 'app.js'), await pageBundle(page.entry));
    const lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [a, b] = lan.hosts;
    if (!a || !b) throw new Error('LAN has fewer than 2 hosts');
    const device = deviceLines(
      a.node(join(here, 'device.ts'), [
        a.ip,
        dir,
        policy,
        ...(options.setupVideo ? ['--setup-video'] : []),
        ...(options.http ? ['--http'] : []),
      ]),
    );
    const ready = (await device.next((l) => l.ready === true)) as Setup['ready'];
    const origin = ready.url.replace(/^ws:/, 'http:').replace(/\/$/, '');
    const chromium = await launchChromium(b.name);
    cleanup.push(() => chromium.close());
    const openPage = async () => {
      const context = await chromium.browser.newContext();
      const opened = await context.newPage();
      await opened.goto(`${origin}/`);
      await opened.waitForFunction((name) => name in globalThis, page.global);
      return opened;
    };
    return { lan, device, ready, origin, openPage, teardown };
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** Call one of the page's steps (`globalThis.relayE2e[name](...args)`) and await its outcome. */
export const call = pageCaller<RelayE2e>('relayE2e');

/** What the app in the page has received so far. */
export function received(page: Page): Promise<RelayE2e['received']> {
  return page.evaluate(() => (globalThis as unknown as { relayE2e: RelayE2e }).relayE2e.received);
}
