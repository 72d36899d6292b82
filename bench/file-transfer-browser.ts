/**
 * bench:file-transfer-browser — lanrtc's browser file paths against Chromium's own DataChannel, in
 * ONE run between two LAN hosts (namespaces), each with its own headless Chromium:
 *
 *   pnpm bench:file-transfer-browser [--size 100M] [--runs 1] [--paths raw,c2n,n2c,c2c,c2w,w2c]
 *     [--raw-message 256K] [--raw-high 4M] [--raw-low 1M] [--profile DIR]
 *
 * - `raw` (the anchor): a page in Chromium A and a page in Chromium B, one reliable ordered
 *   RTCDataChannel, the sender writing `size` bytes as 256 KiB messages (the largest Chromium
 *   sends, and the lanes' frame size between Chromium and lanrtc peers) and keeping
 *   `bufferedAmount` between 1 and 4 MiB (bufferedamountlow, the lanes' marks too), the receiver
 *   counting bytes.
 * - `c2n`: Chromium → Node, the file-drop app as a user runs it: the host (`examples/file-drop`,
 *   node-agent `receiveFiles`, `--yes`) on host A, its page in Chromium B; the file is picked in
 *   the page (browser-client `createFileSource` + `sendFiles`), lands on disk, SHA-256 checked.
 * - `n2c`: Node → Chromium, the host's `send NAME PATH` (node-agent `sendFiles`, DataChannel lane),
 *   the page accepts, the download's bytes SHA-256 checked.
 * - `c2c`: Chromium → Chromium, a page in Chromium A sends to a page in Chromium B (paired once by
 *   comparing digits with a small file before the clock runs), the download SHA-256 checked.
 * - `c2w` / `w2c` (diagnostic, only when asked for in `--paths`): the anchor's page in Chromium B and
 *   a plain werift peer on host A (bench/werift-throughput-peer.ts), no lanrtc layer: werift's CPU in
 *   each role against Chromium's in the anchor.
 *
 * The clock for a file path starts at the user's action (the page's send click, the host's `send`
 * line), so the sender's hashing pass, the connection set-up and the receiver's accept click count,
 * and stops when the file is there: the host's `received` line, or Chromium's download finished.
 * MB/s = bytes / that time (MB = 10^6 bytes). While the clock runs, the CPU time of every Chromium
 * and Node process in the two namespaces is counted from /proc (bench/netns-cpu.ts): on a shared
 * machine the rate follows the CPU a path needs per MB. `--profile DIR` also records a CDP CPU
 * profile of each page (bench/page-profile.ts) and of the host program (bench/host-profile-hook.cjs);
 * profiling slows them, so those runs are not for timing.
 * Results: BENCHMARKS.md §"File transfer, browser".
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan, type LanHost } from '@lanrtc/lan-harness';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import type { Browser, Page } from 'playwright-core';
import { openDropPage, pageState, until } from '../examples/file-drop/test/support/drop-page.js';
import { buildPage, startDropIn } from '../examples/file-drop/test/support/drop-process.js';
import { childLines } from '../test/kit/child-lines.js';
import { cpuSnapshot, cpuSpent } from './netns-cpu.js';
import { profilePage, summarize } from './page-profile.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined =>
  args.includes(name) ? args[args.indexOf(name) + 1] : undefined;

/** `1G`, `100M`, `512K` or plain bytes; binary multiples. */

/** In a page: an offer with one reliable DataChannel `label` (kept as `dc`), ICE gathered. */
const offerWithChannel = async (label: string) => {
  const g = globalThis as unknown as Record<string, unknown>;
  const pc = new RTCPeerConnection();
  g.pc = pc;
  g.dc = pc.createDataChannel(label, { ordered: true });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((r) => {
    if (pc.iceGatheringState === 'complete') r();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r());
  });
  return pc.localDescription?.sdp;
};

/**
 * In a page: answer `offer` and count the bytes of the DataChannel that arrives; `done` resolves with
 * the epoch time of the last of `size` bytes. Passed to `page.evaluate` (it runs in the browser).
 */
const answerCountingBytes = async ({ offer, size }: { offer: string; size: number }) => {
  const g = globalThis as unknown as Record<string, unknown>;
  const pc = new RTCPeerConnection();
  g.pc = pc;
  // The receiver counts bytes from the channel's first message and resolves with the epoch time of the last.
  g.done = new Promise<number>((resolve) =>
    pc.addEventListener('datachannel', ({ channel }) => {
      channel.binaryType = 'arraybuffer';
      let got = 0;
      channel.onmessage = (e) => {
        got += (e.data as ArrayBuffer).byteLength;
        if (got >= size) resolve(performance.timeOrigin + performance.now());
      };
    }),
  );
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  await new Promise<void>((r) => {
    if (pc.iceGatheringState === 'complete') r();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r());
  });
  return pc.localDescription?.sdp;
};

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) throw new Error(`--size: expected e.g. 100M or a byte count, got "${text}"`);
  const unit = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[
    (m[2] as string).toUpperCase() as '' | 'K' | 'M' | 'G'
  ];
  const bytes = Math.round(Number(m[1]) * unit);
  if (!(bytes > 0)) throw new Error('--size must be more than 0 bytes');
  return bytes;
}

const size = parseSize(opt('--size') ?? '100M');
const runs = Number(opt('--runs') ?? 1);
/** `raw`'s message size and its `bufferedAmount` high / low marks. */
const rawMessage = parseSize(opt('--raw-message') ?? '256K');
const rawHigh = parseSize(opt('--raw-high') ?? '4M');
const rawLow = parseSize(opt('--raw-low') ?? '1M');
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number ≥ 1');
const DEFAULT = ['raw', 'c2n', 'n2c', 'c2c'] as const;
/** Beside the default paths, two diagnostic ones: Chromium ↔ a plain werift peer, no lanrtc layer. */
const ALL = [...DEFAULT, 'c2w', 'w2c'] as const;
type PathName = (typeof ALL)[number];
const paths = (opt('--paths') ?? DEFAULT.join(',')).split(',') as PathName[];
for (const p of paths) {
  if (!(ALL as readonly string[]).includes(p))
    throw new Error(`--paths: unknown path "${p}" (${ALL.join(', ')})`);
}
// `--profile DIR`: a CDP CPU profile of each page of each path (slows the pages: not for timing).
const profileDir = opt('--profile');
if (process.env.LANRTC_IN_NETNS !== '1')
  throw new Error('run it with `pnpm bench:file-transfer-browser` (needs root)');

const LABEL: Record<PathName, string> = {
  raw: 'Chromium ↔ Chromium raw DataChannel (anchor)',
  c2n: 'Chromium → Node (file-drop page → host)',
  n2c: 'Node → Chromium (host → page download)',
  c2c: 'Chromium → Chromium (page → page download)',
  c2w: 'Chromium → werift raw DataChannel (no lanrtc)',
  w2c: 'werift → Chromium raw DataChannel (no lanrtc)',
};
/** The plain werift peer of `c2w` / `w2c` (bench:werift-throughput's, with its throughput fixes on). */
const WERIFT_PEER = fileURLToPath(new URL('./werift-throughput-peer.ts', import.meta.url));
const HOST_NAME = 'desk';
// Plain host candidates in both browsers (docs/PLATFORM.md: otherwise `<uuid>.local`).
const CHROMIUM_FLAGS = ['--disable-features=WebRtcHideLocalIpsWithMdns'];

interface Result {
  path: PathName;
  run: number;
  ms: number;
  mbps: number;
  /** CPU-seconds by `"A|B/<process kind>"` while the clock ran. */
  cpu: Record<string, number>;
}

/** Profile `pages` (named) when `--profile` is given; the returned function stops and prints the top of each. */
async function profiling(
  path: string,
  run: number,
  pages: Record<string, Page>,
): Promise<() => Promise<void>> {
  if (!profileDir) return async () => undefined;
  const stops = await Promise.all(
    Object.entries(pages).map(async ([name, page]) => ({
      name,
      stop: await profilePage(page, join(profileDir, `${path}-${run}-${name}.cpuprofile`)),
    })),
  );
  return async () => {
    for (const { name, stop } of stops) {
      const { totalMs, top } = await stop();
      console.log(JSON.stringify({ profile: `${path} ${name}`, busyMs: totalMs, top }));
    }
  };
}

/** Host names of the two LAN hosts, for the CPU snapshots (set once the LAN exists). */
let netns: { A: string; B: string } | undefined;
const snap = () => (netns ? cpuSnapshot([netns.A, netns.B]) : new Map());
/** CPU-seconds since `before`, keyed by host letter and process kind. */
function cpuSince(before: ReturnType<typeof snap>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, seconds] of cpuSpent(before, snap())) {
    const [ns, kind] = key.split('/') as [string, string];
    out[`${ns === netns?.A ? 'A' : 'B'}/${kind.replace('chromium-', 'c-')}`] = round(seconds, 2);
  }
  return out;
}

const round = (x: number, d = 1) => Number(x.toFixed(d));
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const sha256Hex = async (file: string) => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

/** Write `bytes` of random data to `file` and return its SHA-256. */
function generate(file: string, bytes: number): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'w');
  const block = Buffer.allocUnsafe(16 * 2 ** 20);
  for (let at = 0; at < bytes; at += block.length) {
    const piece = block.subarray(0, Math.min(block.length, bytes - at));
    randomFillSync(piece);
    hash.update(piece);
    writeSync(fd, piece);
  }
  fsyncSync(fd);
  closeSync(fd);
  return hash.digest('hex');
}

/** `raw`: one DataChannel between a page in each browser; `size` bytes as 64 KiB messages. */
async function rawRun(
  browserA: Browser,
  browserB: Browser,
  run: number,
): Promise<{ ms: number; cpu: Record<string, number> }> {
  const ctxA = await browserA.newContext();
  const ctxB = await browserB.newContext();
  try {
    const [pa, pb] = [await ctxA.newPage(), await ctxB.newPage()];
    // An empty page: nothing of the app runs beside the channel.
    await Promise.all([pa.goto('about:blank'), pb.goto('about:blank')]);
    const offer = await pa.evaluate(offerWithChannel, 'raw');
    const answer = await pb.evaluate(answerCountingBytes, { offer: offer as string, size });
    await pa.evaluate(async (answer) => {
      const g = globalThis as unknown as { pc: RTCPeerConnection; dc: RTCDataChannel };
      await g.pc.setRemoteDescription({ type: 'answer', sdp: answer as string });
      if (g.dc.readyState !== 'open') await new Promise((r) => g.dc.addEventListener('open', r));
    }, answer);
    const received = pb.evaluate(() => (globalThis as unknown as { done: Promise<number> }).done);
    const stopProfile = await profiling('raw', run, { sender: pa, receiver: pb });
    const cpu0 = snap();
    const t0 = await pa.evaluate(
      async ({ size, messageBytes, high, low }) => {
        const g = globalThis as unknown as { dc: RTCDataChannel };
        const dc = g.dc;
        const message = new Uint8Array(messageBytes);
        for (let at = 0; at < message.length; at += 65536)
          crypto.getRandomValues(message.subarray(at, at + 65536));
        dc.bufferedAmountLowThreshold = low;
        const t0 = performance.timeOrigin + performance.now();
        for (let sent = 0; sent < size; ) {
          const n = Math.min(message.length, size - sent);
          dc.send(n === message.length ? message : message.subarray(0, n));
          sent += n;
          if (dc.bufferedAmount > high)
            await new Promise((r) => dc.addEventListener('bufferedamountlow', r, { once: true }));
        }
        return t0;
      },
      { size, messageBytes: rawMessage, high: rawHigh, low: rawLow },
    );
    const t1 = await received;
    const cpu = cpuSince(cpu0);
    await stopProfile();
    return { ms: t1 - t0, cpu };
  } finally {
    await ctxA.close();
    await ctxB.close();
  }
}

/**
 * `c2w` / `w2c`: the anchor's page in Chromium B and a plain werift `RTCPeerConnection` in a Node
 * process on host A (bench/werift-throughput-peer.ts, announcing max-message-size 256 KiB), one
 * reliable ordered DataChannel, `size` bytes as `rawMessage`-byte messages (the page keeps the
 * anchor's `bufferedAmount` marks; werift's sender its own 4 / 1 MiB). What it shows: the CPU of
 * werift in each role against Chromium's in the anchor, without anything of lanrtc's.
 */
async function weriftRun(
  host: LanHost,
  browserB: Browser,
  direction: 'c2w' | 'w2c',
  run: number,
): Promise<{ ms: number; cpu: Record<string, number> }> {
  const role = direction === 'c2w' ? 'recv' : 'send';
  const child = host.node(WERIFT_PEER, [role, 'patched', String(size), String(rawMessage)], {
    env: { WERIFT_PEER_MAX_MESSAGE_SIZE: '262144' },
  });
  const lines = childLines(child);
  const ctx = await browserB.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto('about:blank');
    if (direction === 'c2w') {
      const offer = await page.evaluate(offerWithChannel, 'bulk');
      child.stdin?.write(`${JSON.stringify({ sdp: offer })}\n`);
      const answer = await lines.next((l) => l.event === 'sdp', { what: 'werift answer' });
      await page.evaluate(async (sdp) => {
        const g = globalThis as unknown as { pc: RTCPeerConnection; dc: RTCDataChannel };
        await g.pc.setRemoteDescription({ type: 'answer', sdp });
        if (g.dc.readyState !== 'open') await new Promise((r) => g.dc.addEventListener('open', r));
      }, answer.sdp as string);
      const stopProfile = await profiling(direction, run, { sender: page });
      const cpu0 = snap();
      const t0 = Date.now();
      const sending = page.evaluate(
        async ({ size, messageBytes, high, low }) => {
          const dc = (globalThis as unknown as { dc: RTCDataChannel }).dc;
          const message = new Uint8Array(messageBytes);
          dc.bufferedAmountLowThreshold = low;
          for (let sent = 0; sent < size; ) {
            const n = Math.min(message.length, size - sent);
            dc.send(n === message.length ? message : message.subarray(0, n));
            sent += n;
            if (dc.bufferedAmount > high)
              await new Promise((r) => dc.addEventListener('bufferedamountlow', r, { once: true }));
          }
        },
        { size, messageBytes: rawMessage, high: rawHigh, low: rawLow },
      );
      await lines.next((l) => l.event === 'done', { ms: 3_600_000, what: 'werift received everything' });
      const ms = Date.now() - t0;
      const cpu = cpuSince(cpu0);
      await sending;
      await stopProfile();
      return { ms, cpu };
    }
    const offer = await lines.next((l) => l.event === 'sdp', { what: 'werift offer' });
    const answer = await page.evaluate(answerCountingBytes, { offer: offer.sdp as string, size });
    const received = page.evaluate(() => (globalThis as unknown as { done: Promise<number> }).done);
    const stopProfile = await profiling(direction, run, { receiver: page });
    const cpu0 = snap();
    // The clock starts when werift gets the answer: it includes connecting (about 0.1 s).
    const t0 = Date.now();
    child.stdin?.write(`${JSON.stringify({ sdp: answer })}\n`);
    const t1 = await received;
    const cpu = cpuSince(cpu0);
    await stopProfile();
    return { ms: t1 - t0, cpu };
  } finally {
    child.kill('SIGTERM');
    await ctx.close();
  }
}

async function clickWhenOpen(page: Page, selector: string, button: string): Promise<void> {
  await page.waitForSelector(selector, { timeout: 120_000 });
  await page.click(button);
}

const uptimeBefore = uptime();
console.log(JSON.stringify({ size, runs, paths, rawMessage, rawHigh, rawLow, uptimeBefore }));
const dir = await mkdtemp(join(tmpdir(), 'lanrtc-bench-file-transfer-browser-'));
const undo: (() => unknown)[] = [() => rm(dir, { recursive: true, force: true })];
const results: Result[] = [];
/** The sending page's hashing pass by `path-run` (c2n, c2c), from the page's state. */
const hashMs = new Map<string, number | undefined>();
try {
  const src = join(dir, 'payload.bin');
  const want = generate(src, size);
  const page = await buildPage();
  undo.push(() => page.remove());
  const lan: Lan = await createLan({ hosts: 2 });
  undo.push(() => lan.close());
  const [a, b] = lan.hosts as [LanHost, LanHost];
  netns = { A: a.name, B: b.name };
  if (profileDir) {
    // The host program's own CPU profile, written when it exits (bench/host-profile-hook.cjs).
    const hook = fileURLToPath(new URL('./host-profile-hook.cjs', import.meta.url));
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${hook}`.trim();
    process.env.LANRTC_HOST_PROFILE_DIR = profileDir;
  }
  const host = await startDropIn(a, ['--page-dir', page.dir, '--bind', a.ip, '--name', HOST_NAME, '--yes']);
  if (profileDir) {
    delete process.env.NODE_OPTIONS;
    delete process.env.LANRTC_HOST_PROFILE_DIR;
  }
  undo.push(() => host.stop());
  const chromiumA = await launchChromium(a.name, CHROMIUM_FLAGS);
  undo.push(() => chromiumA.close());
  const chromiumB = await launchChromium(b.name, CHROMIUM_FLAGS);
  undo.push(() => chromiumB.close());
  const record = (path: PathName, run: number, ms: number, cpu: Record<string, number>) => {
    const r = { path, run, ms, mbps: size / 1e6 / (ms / 1000), cpu };
    results.push(r);
    const hashed = hashMs.get(`${path}-${run}`);
    console.log(
      JSON.stringify({
        ...r,
        ms: Math.round(ms),
        // The sending page's hashing pass, part of `ms` (c2n, c2c).
        ...(hashed !== undefined ? { hashMs: Math.round(hashed) } : {}),
        mbps: round(r.mbps),
        sha256: path === 'raw' || path === 'c2w' || path === 'w2c' ? '—' : 'ok',
      }),
    );
  };
  for (let run = 1; run <= runs; run++) {
    const order = run % 2 === 1 ? paths : [...paths].reverse();
    for (const path of order) {
      execFileSync('sync');
      if (path === 'raw') {
        const { ms, cpu } = await rawRun(chromiumA.browser, chromiumB.browser, run);
        record(path, run, ms, cpu);
      } else if (path === 'c2w' || path === 'w2c') {
        const { ms, cpu } = await weriftRun(a, chromiumB.browser, path, run);
        record(path, run, ms, cpu);
      } else if (path === 'c2n') {
        const name = `Ada${run}`;
        const p = await openDropPage(chromiumB.browser, host.url, name, HOST_NAME);
        await p.setInputFiles('#file-input', src);
        const from = host.lines.length;
        const stopProfile = await profiling(path, run, { sender: p });
        const cpu0 = snap();
        const t0 = Date.now();
        await p.click(`li[data-receiver="${HOST_NAME}"] button.send`);
        const line = await host.next(/^received payload\.bin \(.*\) from Ada\d+ → (.+)$/, {
          from,
          ms: 3_600_000,
        });
        const ms = Date.now() - t0;
        const cpu = cpuSince(cpu0);
        await stopProfile();
        hashMs.set(`${path}-${run}`, (await pageState(p)).transfers[0]?.hashMs);
        const landed = line[1] as string;
        const got = await sha256Hex(landed);
        if (got !== want) throw new Error(`c2n: the file's SHA-256 ${got} is not the source's ${want}`);
        await rm(landed, { force: true });
        record(path, run, ms, cpu);
        await p.context().close();
      } else if (path === 'n2c') {
        const name = `Bea${run}`;
        const p = await openDropPage(chromiumB.browser, host.url, name, HOST_NAME);
        const download = p.waitForEvent('download', { timeout: 3_600_000 });
        const stopProfile = await profiling(path, run, { receiver: p });
        const cpu0 = snap();
        const t0 = Date.now();
        host.type(`send ${name} ${src}`);
        await clickWhenOpen(p, '#offer-dialog[open]', '#offer-accept');
        const got = await download;
        const file = await got.path();
        const ms = Date.now() - t0;
        const cpu = cpuSince(cpu0);
        await stopProfile();
        const hash = await sha256Hex(file);
        if (hash !== want) throw new Error(`n2c: the download's SHA-256 ${hash} is not the source's ${want}`);
        await got.delete();
        record(path, run, ms, cpu);
        await p.context().close();
      } else {
        const cy = await openDropPage(chromiumA.browser, host.url, `Cy${run}`, HOST_NAME);
        const di = await openDropPage(chromiumB.browser, host.url, `Di${run}`, `Cy${run}`);
        await until(
          () => pageState(cy),
          (s) => s.receivers.some((r) => r.name === `Di${run}`),
          30_000,
        );
        // Pair first with a small file (both confirm the digits), outside the clock.
        const small = join(dir, 'pair.bin');
        generate(small, 1000);
        await cy.setInputFiles('#file-input', small);
        const first = di.waitForEvent('download', { timeout: 120_000 });
        await cy.click(`li[data-receiver="Di${run}"] button.send`);
        await Promise.all(
          [cy, di].map((p) => p.waitForSelector('#compare-dialog[open]', { timeout: 60_000 })),
        );
        await Promise.all([cy.click('#compare-yes'), di.click('#compare-yes')]);
        await clickWhenOpen(di, '#offer-dialog[open]', '#offer-accept');
        await (await first).path();
        await until(
          () => pageState(cy),
          (s) => s.transfers.some((t) => t.state === 'done'),
          60_000,
        );
        await cy.setInputFiles('#file-input', src);
        const download = di.waitForEvent('download', { timeout: 3_600_000 });
        const stopProfile = await profiling(path, run, { sender: cy, receiver: di });
        const cpu0 = snap();
        const t0 = Date.now();
        await cy.click(`li[data-receiver="Di${run}"] button.send`);
        await clickWhenOpen(di, '#offer-dialog[open]', '#offer-accept');
        const got = await download;
        const file = await got.path();
        const ms = Date.now() - t0;
        const cpu = cpuSince(cpu0);
        await stopProfile();
        hashMs.set(`${path}-${run}`, (await pageState(cy)).transfers.at(-1)?.hashMs);
        const hash = await sha256Hex(file);
        if (hash !== want) throw new Error(`c2c: the download's SHA-256 ${hash} is not the source's ${want}`);
        await got.delete();
        record(path, run, ms, cpu);
        await Promise.all([cy.context().close(), di.context().close()]);
      }
    }
  }
} finally {
  for (const fn of undo.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined);
}
const uptimeAfter = uptime();
if (profileDir) {
  for (const name of readdirSync(profileDir).filter((n) => /^host-\d+\.cpuprofile$/.test(n))) {
    const { totalMs, top } = summarize(JSON.parse(readFileSync(join(profileDir, name), 'utf8')));
    console.log(JSON.stringify({ profile: `host program ${name}`, busyMs: totalMs, top }));
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const med = (p: PathName) => median(results.filter((r) => r.path === p).map((r) => r.mbps));
const anchor = paths.includes('raw') ? med('raw') : undefined;
console.log(JSON.stringify({ size, runs, uptimeBefore, uptimeAfter }));
console.log(
  '\n| path | MB/s (median) | MB/s per run | × raw DataChannel | CPU-s, all processes (median) | MB per CPU-s |',
);
console.log('|---|---|---|---|---|---|');
const cpuTotal = (r: Result) => Object.values(r.cpu).reduce((a, b) => a + b, 0);
for (const p of paths) {
  const mine = results.filter((r) => r.path === p);
  const per = mine.map((r) => round(r.mbps));
  const x = anchor ? round(med(p) / anchor, 2) : '—';
  const cpu = median(mine.map(cpuTotal));
  console.log(
    `| ${LABEL[p]} | ${round(med(p))} | ${per.join(', ')} | ${x} | ${round(cpu)} | ${round(size / 1e6 / cpu)} |`,
  );
}
console.log(
  '\nCPU-seconds by LAN host (A: the host program and Chromium A; B: Chromium B) and process, median:',
);
for (const p of paths) {
  const mine = results.filter((r) => r.path === p);
  const keys = [...new Set(mine.flatMap((r) => Object.keys(r.cpu)))].sort();
  const parts = keys.map((k) => `${k} ${round(median(mine.map((r) => r.cpu[k] ?? 0)), 2)}`);
  console.log(`- ${p}: ${parts.join(', ')}`);
}
