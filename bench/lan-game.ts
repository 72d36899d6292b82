/**
 * bench:lan-game — the LAN game (examples/lan-game) with 2, 4 and 8 players: the tick rate the host
 * holds, snapshot latency host send → page apply, host CPU, and snapshot bytes per second per player
 * against the same snapshots as plain JSON.
 *
 *   pnpm bench:lan-game [--seconds S] [--players 2,4,8] [--host-nice N] [--players-nice N] [--write]   # root; in scripts/netns-run.mjs
 *
 * For each player count a fresh 2-host lan-harness LAN: host A runs the real host program
 * (`examples/lan-game/src/host/main.ts`, the page built once by Vite); host B one Chromium with one
 * browser context per player (its own identity). The players join from the join URL, the round starts
 * (Enter on the host's stdin), every page plays greedily (steers at the nearest coin ten times a
 * second, some dash: the e2e tests' `chaseCoins`), and after 2 s of play the window of S seconds
 * (default 12) is measured:
 *
 * - ticks: the host's own loop counters (`GET /api/status` → `loop`): ticks run, ticks dropped by the
 *   catch-up limit, ticks run more than one tick late; rate = ticks / the host's elapsed time between
 *   the two reads. The longest stall (how late the loop woke after a due tick) is a maximum since the
 *   host started: exact for the window when the window set a new maximum, else "≤" that maximum.
 * - latency: every page's `sentAt` (host wall clock) → the moment it applied the snapshot (page wall
 *   clock; same machine, same clock); the samples of the window from each page's ring
 *   (`lanGame.latencies`), pooled over all players; nearest-rank p50/p99/max.
 * - host CPU: utime+stime of the host's Node process (/proc/<pid>/stat; `ip netns exec` execs, and
 *   tsx runs as a loader in the same process, so the child's pid is the Node process — checked) over
 *   the window; one core = 100 %; and the time its main thread (the event loop) was runnable but
 *   waiting for a core (/proc/<pid>/schedstat): CPU contention, not the host's own work. Machine:
 *   busy share of all cores from /proc/stat over the window. A page that joins again during the
 *   window is counted (a stall of over 5 s makes the host drop it).
 * - bytes: the host's `snapshots.bytes` and `snapshots.jsonBytes` (each snapshot encoded once, both
 *   ways, and broadcast: every player receives each snapshot once), divided by the host's elapsed
 *   time: the DataChannel payload per player per second, without SCTP/DTLS/UDP/IP headers.
 *
 * Results: BENCHMARKS.md §"LAN game".
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLan, type LanHost } from '@lanrtc/lan-harness';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import type { Page } from 'playwright-core';
import { percentile } from '../examples/lan-game/src/client/latency-samples.js';
import type { GameHostStatus } from '../examples/lan-game/src/host/game-host.js';
import { TICK_HZ } from '../examples/lan-game/src/shared/constants.js';
import { buildClient, startGameIn } from '../examples/lan-game/test/support/game-process.js';
import { chaseCoins, openPlayer, pageState, until } from '../examples/lan-game/test/support/player-page.js';

const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const seconds = Number(arg('--seconds')) || 12;
const counts = (arg('--players') ?? '2,4,8').split(',').map(Number);
/** Run the host's threads at this nice value (e.g. −10): the host as if on its own machine, the pages still sharing the cores. */
const hostNice = arg('--host-nice') === undefined ? undefined : Number(arg('--host-nice'));
/** The same for Chromium's autogroup (browser, renderers): as if every player had a device of its own. */
const playersNice = arg('--players-nice') === undefined ? undefined : Number(arg('--players-nice'));
if (process.env.LANRTC_IN_NETNS !== '1') throw new Error('run it with `pnpm bench:lan-game` (needs root)');
const here = import.meta.dirname;
/** Where `--write`'s generated text ends in BENCHMARKS.md (the hand-written reading follows). */
const END = '<!-- end of bench:lan-game output -->';
const WARM_UP_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const cpuSeconds = (pid: number) => {
  const x = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(x[11]) + Number(x[12])) / HZ;
};
/** ns the process's main thread (the event loop) was runnable but waiting for a core (/proc/<pid>/schedstat). */
const waitNs = (pid: number) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
const comm = (pid: number) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
/** All cores' busy and total jiffies (/proc/stat's first line; idle and iowait are not busy). */
const machine = () => {
  const x = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = x.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - (x[3] ?? 0) - (x[4] ?? 0), total };
};
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Set the nice value of `pid`'s autogroup (its session), never the benchmark's own. */
function setAutogroupNice(pid: number, nice: number): void {
  const group = readFileSync(`/proc/${pid}/autogroup`, 'utf8').split(' ')[0];
  if (group === readFileSync('/proc/self/autogroup', 'utf8').split(' ')[0])
    throw new Error(`pid ${pid} shares the benchmark's autogroup: renicing it would renice both`);
  writeFileSync(`/proc/${pid}/autogroup`, String(nice));
}

/** Every pid under `root` (from the ppid field of /proc/<pid>/stat). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(
        readFileSync(`/proc/${name}/stat`, 'utf8')
          .replace(/^.*\) /, '')
          .split(' ')[1],
      );
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

type Latencies = { count: number; samples: number[] };
const latencies = (page: Page, since: number): Promise<Latencies> =>
  page.evaluate(
    (since) =>
      (globalThis as unknown as { lanGame: { latencies(s: number): Latencies } }).lanGame.latencies(since),
    since,
  );

interface Row {
  players: number;
  load: string;
  ticksPerS: number;
  dropped: number;
  late: number;
  maxLatenessMs: number;
  /** The longest stall in the window when it set a new maximum; else only an upper bound is known. */
  windowStallMs: number | undefined;
  p50: number;
  p99: number;
  max: number;
  samples: number;
  hostCpu: number;
  hostWaitMsPerS: number;
  rejoins: number;
  machineBusy: number;
  binPerS: number;
  jsonPerS: number;
  hostGaps: number;
  lateGaps: number;
  starved: number;
  /** Why the window could not be measured (then only the host's counters since its start are known). */
  failed?: string;
}

async function run(players: number, clientDir: string): Promise<Row> {
  const load = loadAverage();
  const cleanup: (() => unknown)[] = [];
  let host: { status(): Promise<GameHostStatus>; pid: number; cpu0: number; t0: number } | undefined;
  try {
    const lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [a, b] = lan.hosts as [LanHost, LanHost];
    const game = await startGameIn(a, [
      '--client-dir',
      clientDir,
      '--bind',
      a.ip,
      '--round-seconds',
      String(seconds + 30),
    ]);
    cleanup.push(() => game.stop());
    const pid = game.child.pid ?? 0;
    if (comm(pid) !== 'node') throw new Error(`the host's pid ${pid} is ${comm(pid)}, not node`);
    host = { status: () => game.status(), pid, cpu0: cpuSeconds(pid), t0: performance.now() };
    if (hostNice !== undefined) {
      // The kernel's autogroups share the cores between sessions first, and the host runs in its own
      // session (host.node spawns it detached): its session's group gets the nice value; setpriority
      // per thread (event loop, libuv pool) orders it within the group.
      setAutogroupNice(pid, hostNice);
      for (const tid of readdirSync(`/proc/${pid}/task`))
        execFileSync('renice', ['-n', String(hostNice), '-p', tid], { stdio: 'ignore' });
    }
    const chromium = await launchChromium(b.name);
    cleanup.push(() => chromium.close());
    if (playersNice !== undefined) {
      const browsers = descendants(process.pid).filter((p) => /^chrom/.test(comm(p)));
      if (browsers.length === 0) throw new Error('no Chromium process under the benchmark');
      for (const p of browsers) setAutogroupNice(p, playersNice);
    }
    const pages: Page[] = [];
    for (let i = 0; i < players; i++)
      pages.push(await openPlayer(chromium.browser, game.joinUrl, `P${i + 1}`));
    await until(
      () => game.status(),
      (s) => s.players.filter((p) => p.connected).length === players,
      60_000,
    ).catch(() => {
      throw new Error(`the ${players} players were never connected at once within 60 s of the last joining`);
    });
    game.type(''); // Enter: the round starts after its countdown
    await until(
      () => Promise.all(pages.map(pageState)),
      (all) => all.every((s) => s.phase === 'playing'),
      20_000,
    );
    const playing = Promise.all(
      pages.map((p, i) => chaseCoins(p, WARM_UP_MS + seconds * 1000 + 3000, i % 2 === 0)),
    );
    await sleep(WARM_UP_MS);

    // The host's counters are read through a Node started in host A (a few hundred ms under load):
    // ticks and bytes are divided by the host's own elapsed time between its two reads, the page
    // samples and CPU are taken between them.
    const s0: GameHostStatus = await game.status();
    const since = await Promise.all(pages.map((p) => latencies(p, 0)));
    const rejoins0 = (await Promise.all(pages.map(pageState))).reduce((n, s) => n + s.rejoins, 0);
    const cpu0 = cpuSeconds(pid);
    const w0 = waitNs(pid);
    const m0 = machine();
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const cpu1 = cpuSeconds(pid);
    const w1 = waitNs(pid);
    const m1 = machine();
    const t1 = performance.now();
    const after = await Promise.all(
      pages.map(async (p, i) => {
        const from = since[i]?.count ?? 0;
        const got = await latencies(p, from);
        // A page that joined again has a new game client whose count started over: all of its samples.
        return got.count < from ? latencies(p, 0) : got;
      }),
    );
    const s1: GameHostStatus = await game.status();
    const states = await Promise.all(pages.map(pageState));
    await playing;

    if (!s0.loop || !s1.loop) throw new Error('the host reports no loop counters');
    if (s1.phase !== 'playing') throw new Error(`the round was ${s1.phase} at the window's end`);
    const hostS = (s1.loop.elapsedMs - s0.loop.elapsedMs) / 1000;
    const samples = after.flatMap((l) => l.samples);
    const snaps = s1.snapshots.sent - s0.snapshots.sent;
    if (snaps <= 0) throw new Error('no snapshots in the window');
    const counter = (k: string) => states.reduce((sum, s) => sum + (s.counters[k] ?? 0), 0);
    return {
      players,
      load,
      ticksPerS: (s1.loop.ticks - s0.loop.ticks) / hostS,
      dropped: s1.loop.dropped - s0.loop.dropped,
      late: s1.loop.late - s0.loop.late,
      // The worst since the host started (joins and page loads included): the counter is a maximum, not per window.
      maxLatenessMs: s1.loop.maxLatenessMs,
      windowStallMs: s1.loop.maxLatenessMs > s0.loop.maxLatenessMs ? s1.loop.maxLatenessMs : undefined,
      p50: percentile(samples, 0.5),
      p99: percentile(samples, 0.99),
      max: percentile(samples, 1),
      samples: samples.length,
      hostCpu: (100 * (cpu1 - cpu0)) / ((t1 - t0) / 1000),
      hostWaitMsPerS: (w1 - w0) / 1e6 / ((t1 - t0) / 1000),
      rejoins: states.reduce((n, s) => n + s.rejoins, 0) - rejoins0,
      machineBusy: (100 * (m1.busy - m0.busy)) / (m1.total - m0.total),
      binPerS: (s1.snapshots.bytes - s0.snapshots.bytes) / hostS,
      jsonPerS: (s1.snapshots.jsonBytes - s0.snapshots.jsonBytes) / hostS,
      hostGaps: counter('hostGaps'),
      lateGaps: counter('lateGaps'),
      starved: counter('framesStarved') / Math.max(1, counter('framesDrawn')),
    };
  } catch (error) {
    // Report what the host's counters say about its whole life instead of a window.
    const s = await host?.status().catch(() => undefined);
    if (!host || !s?.loop) throw error;
    const secs = (performance.now() - host.t0) / 1000;
    console.error(`# ${players} players: ${(error as Error).message}; host status: ${JSON.stringify(s)}`);
    return {
      players,
      load,
      ticksPerS: s.loop.ticks / (s.loop.elapsedMs / 1000),
      dropped: s.loop.dropped,
      late: s.loop.late,
      maxLatenessMs: s.loop.maxLatenessMs,
      windowStallMs: undefined,
      p50: Number.NaN,
      p99: Number.NaN,
      max: Number.NaN,
      samples: 0,
      hostCpu: (100 * (cpuSeconds(host.pid) - host.cpu0)) / secs,
      hostWaitMsPerS: Number.NaN,
      rejoins: Number.NaN,
      machineBusy: Number.NaN,
      binPerS: Number.NaN,
      jsonPerS: Number.NaN,
      hostGaps: Number.NaN,
      lateGaps: Number.NaN,
      starved: Number.NaN,
      failed: `${(error as Error).message}; counters over the host's ${s.loop.elapsedMs.toFixed(0)} ms since start, ${s.players.filter((p) => p.connected).length} connected at the end, rejected inputs ${JSON.stringify(s.rejected)}`,
    };
  } finally {
    for (const undo of cleanup.reverse()) await Promise.resolve(undo()).catch(() => {});
  }
}

const out: string[] = [];
const log = (s = '') => {
  console.log(s);
  out.push(s);
};
const startedAt = new Date();
console.error(`# bench:lan-game ${startedAt.toISOString()} node ${process.version}; load: ${loadAverage()}`);
const client = await buildClient();
const rows: Row[] = [];
try {
  for (const n of counts) {
    console.error(`# ${n} players…`);
    const row = await run(n, client.dir);
    console.error(JSON.stringify(row));
    rows.push(row);
  }
} finally {
  client.remove();
}
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '—');
log(
  `**${seconds} s of play per player count${hostNice === undefined ? '' : `, the host at nice ${hostNice}`}${playersNice === undefined ? '' : `, Chromium at nice ${playersNice}`}** (after ${WARM_UP_MS / 1000} s of warm-up; goal: ${TICK_HZ} ticks/s with none dropped, p99 < 20 ms with 8 players, binary ≤ 0.3× JSON)`,
);
log();
log(
  '| players | load avg before (1/5/15 min) | ticks/s | dropped / late ticks | longest loop stall in the window, ms | latency p50 / p99 / max, ms (samples) | host CPU (one core = 100 %) | host event loop waiting for a core, ms/s | machine busy (2 cores) | pages that rejoined | snapshot B/s per player: binary / JSON (ratio) |',
);
log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  log(
    `| ${r.players}${r.failed ? ' (failed, see below)' : ''} | ${r.load} | ${r.ticksPerS.toFixed(2)} | ${r.dropped} / ${r.late} | ${r.failed ? `${f1(r.maxLatenessMs)} (since start)` : r.windowStallMs !== undefined ? f1(r.windowStallMs) : `≤ ${f1(r.maxLatenessMs)}`} | ${f1(r.p50)} / ${f1(r.p99)} / ${f1(r.max)} (${r.samples}) | ${f1(r.hostCpu)} % | ${f0(r.hostWaitMsPerS)} | ${f0(r.machineBusy)} % | ${r.rejoins} | ${f0(r.binPerS)} / ${f0(r.jsonPerS)} (${Number.isFinite(r.binPerS / r.jsonPerS) ? `${(r.binPerS / r.jsonPerS).toFixed(2)}×` : '—'}) |`,
  );
log();
const failures = rows.filter((r) => r.failed);
for (const r of failures) log(`${r.players} players: ${r.failed}.`);
if (failures.length > 0) log();
log(
  `Pages, summed over the players: snapshots the host itself sent late (host gaps) ${rows.map((r) => `${r.players}p ${r.hostGaps}`).join(', ')}; late gaps (network or page) ${rows.map((r) => `${r.players}p ${r.lateGaps}`).join(', ')}; frames with a dry interpolation buffer ${rows.map((r) => `${r.players}p ${(100 * r.starved).toFixed(1)} %`).join(', ')} (page counters since the page joined).`,
);
console.error(`# load at the end: ${loadAverage()}`);

if (args.includes('--write')) {
  const heading = '## LAN game: tick rate, snapshot latency, host CPU, bytes (bench:lan-game)';
  const section = `${heading}

Reproduce: \`pnpm bench:lan-game --write\` (\`--seconds S\`, \`--players 2,4,8\`). Run ${startedAt.toISOString().slice(0, 16)} UTC, load average at the end: ${loadAverage()}. Method in the header of \`bench/lan-game.ts\`.

${out.join('\n')}

${END}
`;
  const path = join(here, '../BENCHMARKS.md');
  const md = readFileSync(path, 'utf8');
  const at = md.indexOf(heading);
  const end = at < 0 ? -1 : md.indexOf(END, at);
  writeFileSync(
    path,
    at < 0 || end < 0
      ? `${md.trimEnd()}\n\n${section}`
      : `${md.slice(0, at)}${section.trimEnd()}${md.slice(end + END.length)}`,
  );
  console.error('# BENCHMARKS.md updated');
}
process.exit(0);
