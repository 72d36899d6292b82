/**
 * bench:direct — time from "card known" to an authenticated DataChannel (and its first echo), direct
 * connect from the card vs `connect()` through the relay, same run, same virtual LAN.
 *
 *   pnpm bench:direct [--runs N] [--only node|browser]     # root; inside scripts/netns-run.mjs
 *
 * A 3-host lan-harness LAN: host A the Node device (bench/direct-device.ts: one identity, certificate
 * and trust store behind a createDirectListener AND a Node agent logged into the relay), host C the
 * real relay (createRelay, its own process; it also serves the page), host B the connecting side:
 * (1) a Node process (bench/direct-node.ts) and then (2) Chromium with bench/direct-page.ts. Each
 * pairs ONCE by PIN over the relay (the pairing lands in the device's shared trust store), so both
 * paths run the "already paired" case: direct = `connectDirect(cardText)` (card decoded + verified,
 * ICE-lite, DTLS, in-band proof) → an app channel opened after auth → first echo; relay =
 * `agent.connect(deviceId)` on an agent already logged into the relay (signed envelopes, trickle,
 * DTLS fingerprint check) → its default `lanrtc` channel → first echo. One warm-up of each, then
 * runs alternate (the first kind switching every run) so drift hits both alike; 150 ms pause
 * between runs for the previous teardown. Quantiles are nearest-rank (s[floor(p·n)]). The page also
 * reports when its peer connection reached `connected` (ICE + DTLS), which Node's `connectDirect`
 * does not expose. Results and their reading: BENCHMARKS.md §"Direct connect vs relay".
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan } from '@lanrtc/lan-harness';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import type { Page } from 'playwright-core';
import { bundleForBrowser } from '../packages/browser-client/test/helpers/chromium.js';
import { deviceLines } from '../packages/browser-client/test/relay-e2e/harness.js';
import type { DirectBench, PageSample } from './direct-page.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 20;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
if (process.env.LANRTC_IN_NETNS !== '1') throw new Error('run it with `pnpm bench:direct` (needs root)');
const here = import.meta.dirname;
const RELAY_PROC = join(here, '../packages/browser-client/test/relay-e2e/relay-proc.ts');
const INDEX_HTML = '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>';

type Sample = PageSample;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
  return { median: q(0.5), p90: q(0.9), min: s[0] as number, max: s.at(-1) as number };
};
const f = (n: number) => (n < 100 ? n.toFixed(1) : n.toFixed(0));

function table(title: string, direct: Sample[], relay: Sample[]): string {
  const col = (xs: Sample[], k: keyof Sample) => stats(xs.map((x) => x[k] ?? Number.NaN));
  // `connected` exists only where the connecting side exposes its peer connection (the page).
  const keys = (['connected', 'auth', 'open', 'echo'] as const).filter((k) =>
    [...direct, ...relay].every((x) => x[k] !== undefined),
  );
  const names = {
    connected: 'ICE + DTLS connected',
    auth: 'authenticated',
    open: 'app channel open',
    echo: 'first echo',
  };
  const cell = (xs: Sample[], k: keyof Sample) => `${f(col(xs, k).median)} / ${f(col(xs, k).p90)}`;
  const row = (name: string, xs: Sample[]) =>
    `| ${name} | ${keys.map((k) => cell(xs, k)).join(' | ')} | ${f(col(xs, 'echo').min)}–${f(col(xs, 'echo').max)} |`;
  const ratio = (k: keyof Sample) =>
    `${(col(direct, k).median / col(relay, k).median).toFixed(2)}× / ${(col(direct, k).p90 / col(relay, k).p90).toFixed(2)}×`;
  return [
    `**${title}** (${direct.length} runs each, interleaved)`,
    '',
    `| path | ${keys.map((k) => `${names[k]}, median / p90 ms`).join(' | ')} | first echo min–max ms |`,
    `|---|${keys.map(() => '---|').join('')}---|`,
    row('direct from the card (`connectDirect`)', direct),
    row('through the relay (`agent.connect`)', relay),
    `| **direct / relay** | ${keys.map(ratio).join(' | ')} | |`,
  ].join('\n');
}

const call = <K extends keyof DirectBench>(page: Page, name: K, ...a: Parameters<DirectBench[K]>) =>
  page.evaluate(
    ({ n, x }) =>
      (globalThis as unknown as { directBench: Record<string, (...y: unknown[]) => unknown> }).directBench[
        n
      ]?.(...x),
    { n: name as string, x: a as unknown[] },
  ) as Promise<Awaited<ReturnType<DirectBench[K]>>>;

const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
console.log(`# bench:direct ${new Date().toISOString()} node ${process.version}; uptime: ${uptime}`);
const cleanup: (() => unknown)[] = [];
try {
  const dir = mkdtempSync(join(tmpdir(), 'lanrtc-bench-direct-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  writeFileSync(join(dir, 'app.js'), await bundleForBrowser(join(here, 'direct-page.ts')));
  const lan = await createLan({ hosts: 3 });
  cleanup.push(() => lan.close());
  const [a, b, c] = lan.hosts;
  if (!a || !b || !c) throw new Error('LAN has fewer than 3 hosts');
  const relay = deviceLines(c.node(RELAY_PROC, [c.ip, '0', dir]));
  const relayUrl = (await relay.next((l) => l.ready === true)).url as string;
  const device = deviceLines(a.node(join(here, 'direct-device.ts'), [a.ip, relayUrl]));
  const ready = await device.next((l) => l.ready === true);
  const [deviceId, cardText] = [ready.id as string, ready.cardText as string];
  console.log(`# device ${a.ip}:${String(ready.port)}, relay ${relayUrl}, connector host ${b.ip}`);

  if (only !== 'browser') {
    const pin = ready.pin as string;
    const node = deviceLines(
      b.node(join(here, 'direct-node.ts'), [b.ip, relayUrl, deviceId, cardText, pin, String(runs)]),
    );
    const nodeId = (await node.next((l) => l.ready === true)).id as string;
    await node.next((l) => l.paired === true);
    await device.next((l) => l.paired === nodeId); // stored on the device: connect() is accepted now
    node.send('go');
    const result = (await node.next((l) => 'result' in l, 20 * 60_000)).result as Record<string, Sample[]>;
    console.log(`\n${table('Node → Node device', result.direct ?? [], result.relay ?? [])}\n`);
    console.log(JSON.stringify({ node: result }));
  }

  if (only !== 'node') {
    const chromium = await launchChromium(b.name);
    cleanup.push(() => chromium.close());
    const page = await (await chromium.browser.newContext()).newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${relayUrl.replace(/^ws:/, 'http:').replace(/\/$/, '')}/`);
    await page.waitForFunction(() => 'directBench' in globalThis);
    const pageId = await call(page, 'start');
    const pin = (await device.request('pin', (l) => 'pin' in l)).pin as string;
    await call(page, 'enterPin', deviceId, pin);
    await device.next((l) => l.paired === pageId);
    await call(page, 'direct', cardText); // warm-up of each, not recorded
    await call(page, 'relay', deviceId);
    const samples: { direct: Sample[]; relay: Sample[] } = { direct: [], relay: [] };
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? (['direct', 'relay'] as const) : (['relay', 'direct'] as const);
      for (const kind of order) {
        await new Promise((r) => setTimeout(r, 150));
        samples[kind].push(
          kind === 'direct' ? await call(page, 'direct', cardText) : await call(page, 'relay', deviceId),
        );
      }
    }
    console.log(
      `\n${table(`Chromium ${chromium.browser.version()} page → Node device`, samples.direct, samples.relay)}\n`,
    );
    console.log(JSON.stringify({ browser: samples }));
  }
  const counters = await device.request('stats', (l) => 'stats' in l);
  console.log(`# listener stats at the end: ${JSON.stringify(counters.stats)}`);
  const errors = device.lines.filter((l) => 'peerError' in l || 'sessionError' in l);
  if (errors.length > 0) console.log(`# device errors: ${JSON.stringify(errors)}`);
  console.log(`# uptime at the end: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
} finally {
  for (const undo of cleanup.reverse()) await Promise.resolve(undo()).catch(() => {});
}
process.exit(0);
