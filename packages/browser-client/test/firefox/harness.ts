/**
 * Shared plumbing of the Firefox e2e tests: Firefox ESR (puppeteer-core over WebDriver BiDi, through
 * @lanrtc/lan-harness/firefox) inside a LAN host, pages opened in it, and page steps called on a
 * global object (`relayE2e` / `qrE2e`, the very pages the Chromium e2e tests drive).
 */
import type { LanHost } from '@lanrtc/lan-harness';
import { launchFirefox } from '@lanrtc/lan-harness/firefox';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** A Firefox running in a LAN host. */
export interface Firefox {
  readonly browser: Browser;
  /**
   * Open `url` in a new tab and wait until `globalThis[readyGlobal]` exists; the page's peer
   * connections are recorded for `selectedPairs`.
   */
  open(url: string, readyGlobal: string): Promise<Page>;
  close(): Promise<void>;
}

/** Launch Firefox in `host` (obfuscated `UUID.local` host candidates, Firefox's default). */
export async function firefoxIn(host: LanHost, prefs: Record<string, unknown> = {}): Promise<Firefox> {
  const { browser, close } = await launchFirefox(host.name, { puppeteer, prefs });
  return {
    browser,
    async open(url, readyGlobal) {
      const page = await browser.newPage();
      await recordPeerConnections(page);
      await page.goto(url);
      await page.waitForFunction((name: string) => name in globalThis, { timeout: 10_000 }, readyGlobal);
      return page;
    },
    close,
  };
}

/** Methods of a page API object. */
type Method<A> = { [K in keyof A]: A[K] extends (...args: never[]) => unknown ? K : never }[keyof A];
type Args<F> = F extends (...a: infer P) => unknown ? P : never;
type Result<F> = F extends (...a: never[]) => infer R ? Awaited<R> : never;

/** A caller of the steps of page API `A` on `globalThis[global]`: `step(name, ...args)` awaits the outcome. */
export function steps<A>(
  page: Page,
  global: string,
): <K extends Method<A>>(name: K, ...args: Args<A[K]>) => Promise<Result<A[K]>> {
  return (name, ...args) =>
    page.evaluate(
      (g: string, n: string, a: unknown[]) => {
        const api = (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>)[
          g
        ];
        return api?.[n]?.(...a);
      },
      global,
      name as string,
      args as unknown[],
    ) as never;
}

/**
 * The selected ICE candidate pair as Firefox's stats report it (Firefox has no `transport` stats:
 * the pair carries `selected`), for every RTCPeerConnection the page made (see `recordPeerConnections`).
 */
export function selectedPairs(
  page: Page,
): Promise<{ local: string; remote: string; remoteAddress: string }[]> {
  return page.evaluate(async () => {
    const pcs = (globalThis as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
    const out: { local: string; remote: string; remoteAddress: string }[] = [];
    for (const pc of pcs) {
      type Stat = Record<string, string | number | boolean | undefined>;
      const stats = new Map<string, Stat>();
      (await pc.getStats()).forEach((s: Stat) => {
        stats.set(String(s.id), s);
      });
      const pair = [...stats.values()].find((s) => s.type === 'candidate-pair' && s.selected === true);
      const local = stats.get(String(pair?.localCandidateId));
      const remote = stats.get(String(pair?.remoteCandidateId));
      if (local && remote) {
        out.push({
          local: `${String(local.candidateType)} ${String(local.address)}`,
          remote: String(remote.candidateType),
          remoteAddress: `${String(remote.address)}:${String(remote.port)}`,
        });
      }
    }
    return out;
  });
}

/** Before the page's own script runs, keep every RTCPeerConnection it creates on `globalThis.__pcs`. */
async function recordPeerConnections(page: Page): Promise<void> {
  await page.evaluateOnNewDocument(() => {
    const Native = globalThis.RTCPeerConnection;
    const pcs: RTCPeerConnection[] = [];
    (globalThis as unknown as { __pcs: RTCPeerConnection[] }).__pcs = pcs;
    globalThis.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        pcs.push(this);
      }
    };
  });
}
