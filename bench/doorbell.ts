/**
 * bench:doorbell — the video doorbell (examples/doorbell) as a user meets it: time to the first video
 * frame, and what the doorbell costs with 1, 3 and 5 viewers.
 *
 *   pnpm bench:doorbell [--runs N] [--seconds S] [--first-frame-only] [--write]   # root; in scripts/netns-run.mjs
 *
 * A 2-host lan-harness LAN. Host A: the real doorbell program (`src/device/main.ts`, test pattern,
 * the freshly built viewer) and the anchor (bench/doorbell-anchor.ts: a werift peer fed by a media
 * source with the same settings, a minimal page, plain unauthenticated offer/answer by one HTTP POST).
 * Host B: Chromium (one browser context, so IndexedDB and the service worker persist between runs).
 *
 * First frame: from navigation start (`performance.timeOrigin`) to the first frame the `<video>`
 * presented (requestVideoFrameCallback; the viewer's `firstFrameAt` test hook), for (1) the page the
 * doorbell serves (`http://<doorbell>:8080/`, relay login + `connect()`), (2) the same viewer served
 * from `http://localhost:<port>/` in host B (direct connect from the remembered card) and (3) the
 * anchor page. Each is paired once first (PIN from the terminal; the pairing card for direct) and
 * warmed up once; then runs alternate between the three (order rotating) so drift hits all alike,
 * each in the front tab (a hidden tab renders rarely), `page.goto(url)`, wait for the first frame, `about:blank` (the tab says goodbye), 300 ms pause.
 * An init script timestamps the page's WebSocket and RTCPeerConnection events for the breakdown.
 * Quantiles are nearest-rank (s[floor(p·n)]).
 *
 * CPU and RSS: the browser closed, N Node viewers (bench/doorbell-viewers.ts in host B, each its own
 * identity paired by PIN, direct connect, counting video RTP) for N = 0, 1, 3, 5; after 2 s settling,
 * utime+stime and VmRSS of the doorbell's Node process and of its ffmpeg child over S seconds
 * (/proc/<pid>/stat and status; one core = 100 %). Results: BENCHMARKS.md §"Doorbell".
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createLan, type LanHost } from '@lanrtc/lan-harness';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import type { BrowserContext, Page } from 'playwright-core';
import { buildViewer, startDoorbellIn } from '../examples/doorbell/test/support/doorbell-process.js';
import { until, viewerAction, viewerState } from '../examples/doorbell/test/support/viewer-page.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) || dflt : dflt;
const runs = opt('--runs', 12);
const seconds = opt('--seconds', 10);
if (process.env.LANRTC_IN_NETNS !== '1') throw new Error('run it with `pnpm bench:doorbell` (needs root)');
const here = import.meta.dirname;
const STATIC_SERVER = join(here, '../examples/doorbell/test/support/static-server.ts');
/** Where `--write`'s generated text ends in BENCHMARKS.md (the hand-written reading follows). */
const END = '<!-- end of bench:doorbell output -->';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Page-side timestamps (ms since navigation start) of the events that make up the wait.
const MARKS = `(() => {
  const marks = {};
  const mark = (n) => { marks[n] ??= performance.now(); };
  let stable = 0;
  let polling = false;
  const pcs = [];
  globalThis.__benchPcs = pcs;
  globalThis.__benchMarks = () => ({ ...marks, renegotiations: Math.max(0, stable - 1) });
  const PC = globalThis.RTCPeerConnection;
  if (PC) globalThis.RTCPeerConnection = class extends PC {
    constructor(...a) {
      super(...a);
      mark('pcCreated');
      pcs.push(this);
      this.addEventListener('connectionstatechange', () => { if (this.connectionState === 'connected') mark('pcConnected'); });
      this.addEventListener('track', (e) => {
        mark('track' + e.track.kind);
        if (e.track.kind !== 'video' || polling) return;
        polling = true;
        // Until the first decoded frame: when the first video packet came, and the keyframe requests.
        const poll = async () => {
          let done = false;
          (await this.getStats()).forEach((r) => {
            if (r.type !== 'inbound-rtp' || r.kind !== 'video') return;
            if (r.packetsReceived > 0) mark('firstPacket');
            if (r.framesDecoded > 0) { mark('firstDecoded'); marks.pliAtDecode ??= r.pliCount ?? 0; done = true; }
          });
          if (!done && this.connectionState !== 'closed') setTimeout(poll, 20);
        };
        void poll();
      });
      this.addEventListener('signalingstatechange', () => { if (this.signalingState === 'stable') { stable++; mark('stable' + stable); } });
    }
  };
  // The <video> element's own progress (media events do not bubble: capture them).
  let loads = 0;
  marks.videoLoads = 0;
  for (const t of ['loadstart', 'loadedmetadata', 'loadeddata', 'playing', 'waiting']) {
    document.addEventListener(t, (e) => {
      if (!(e.target instanceof HTMLVideoElement) || e.target.id === 'scan-video') return;
      if (t === 'loadstart') {
        marks.videoLoads = ++loads;
        // An independent first-presentation probe, registered on each load of the element.
        e.target.requestVideoFrameCallback((now, m) => { mark('probeFrame'); marks.probePresented ??= m.presentedFrames; });
      }
      mark('video_' + t);
      if (t === 'playing' && marks.rafAfterPlaying === undefined) {
        const r = e.target.getBoundingClientRect();
        marks.videoRect = Math.round(r.width) + 'x' + Math.round(r.height);
        marks.rafAfterPlaying = 0;
        const tick = () => { marks.rafAfterPlaying++; if (marks.probeFrame === undefined) requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
      }
    }, true);
  }
  // Main-thread tasks over 50 ms (they hold back requestVideoFrameCallback too).
  const longTasks = [];
  globalThis.__benchLongTasks = longTasks;
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) longTasks.push([Math.round(e.startTime), Math.round(e.duration)]); })
      .observe({ type: 'longtask', buffered: true });
  } catch {}
  const WS = globalThis.WebSocket;
  if (WS) globalThis.WebSocket = class extends WS {
    constructor(...a) { super(...a); mark('wsCreated'); this.addEventListener('open', () => mark('wsOpen')); }
  };
})();`;

/** Thrown to leave the run early (`--first-frame-only`); everything is still cleaned up. */
class Skip extends Error {}
type Kind = 'served' | 'direct' | 'anchor';
type Sample = Record<string, number>;

/** Line-wise JSON from a child's stdout. */
function jsonLines(child: ChildProcess) {
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  if (!child.stdout) throw new Error('no stdout pipe');
  createInterface({ input: child.stdout }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      return;
    }
    for (const w of waiters) w();
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + String(d)).slice(-2000)));
  return {
    next(ok: (l: Record<string, unknown>) => boolean, ms = 20_000, from = lines.length) {
      return new Promise<Record<string, unknown>>((resolve, reject) => {
        let i = from;
        const check = () => {
          for (; i < lines.length; i++)
            if (ok(lines[i] as Record<string, unknown>)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(lines[i] as Record<string, unknown>);
              return;
            }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching line in ${ms} ms; stderr: ${stderr}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    send: (line: string) => child.stdin?.write(`${line}\n`),
    get length() {
      return lines.length;
    },
  };
}

const stats = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return { median: q(0.5), p90: q(0.9), min: s[0] ?? Number.NaN, max: s.at(-1) ?? Number.NaN, n: s.length };
};
const f = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(0));

/** Every pid under `root` (from /proc/<pid>/stat's ppid field). */
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
const comm = (pid: number) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
const ppid = (pid: number) =>
  Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const cpuSeconds = (pid: number) => {
  const x = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(x[11]) + Number(x[12])) / HZ;
};
const rssMb = (pid: number) =>
  Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/** Open `url` and wait for its first presented frame; the page's timestamps (ms since navigation start). */
async function firstFrame(page: Page, url: string, kind: Kind): Promise<Sample> {
  // A background tab is hidden: Chromium renders it rarely, so its first frame callback comes late.
  await page.bringToFront();
  await page.goto(url, { waitUntil: 'commit' });
  // Waiting reads only the page's own marks (the viewer's state() hook calls getStats: polling it
  // would load the page being measured); the viewer's firstFrameAt is read once at the end.
  const read =
    kind === 'anchor'
      ? 'globalThis.anchor && globalThis.anchor.firstFrameAt'
      : 'globalThis.__benchMarks().probeFrame';
  await page.waitForFunction(read, undefined, { timeout: 15_000, polling: 50 });
  const sample = (await page.evaluate(`(async () => {
    const nav = performance.getEntriesByType('navigation')[0];
    // The video receiver's counters just after the first frame (the newest connection's).
    const rx = {};
    const pc = globalThis.__benchPcs.at(-1);
    if (pc) (await pc.getStats()).forEach((r) => {
      if (r.type !== 'inbound-rtp' || r.kind !== 'video') return;
      Object.assign(rx, { rxFramesReceived: r.framesReceived, rxFramesDecoded: r.framesDecoded,
        rxKeyFrames: r.keyFramesDecoded, rxPli: r.pliCount, rxFramesDropped: r.framesDropped,
        rxJitterMs: r.jitterBufferEmittedCount ? (1000 * r.jitterBufferDelay) / r.jitterBufferEmittedCount : undefined });
    });
    return {
      ...globalThis.__benchMarks(),
      ...rx,
      longTasks: JSON.stringify(globalThis.__benchLongTasks),
      htmlLoaded: nav.responseEnd,
      firstPaint: performance.getEntriesByType('paint').find((e) => e.name === 'first-paint')?.startTime,
      firstContentfulPaint: performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime,
      domReady: nav.domContentLoadedEventEnd,
      loaded: nav.loadEventEnd || undefined,
      hidden: document.visibilityState === 'hidden' ? 1 : 0,
      firstFrame: ${kind === 'anchor' ? read : '(await globalThis.doorbellViewer.state()).video.firstFrameAt'},
    };
  })()`)) as Sample;
  await page.goto('about:blank');
  return sample;
}

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const out: string[] = [];
const log = (s = '') => {
  console.log(s);
  out.push(s);
};
console.error(`# bench:doorbell ${new Date().toISOString()} node ${process.version}; uptime: ${uptime()}`);
const startedAt = new Date();
const cleanup: (() => unknown)[] = [];
try {
  const viewer = await buildViewer();
  cleanup.push(() => viewer.remove());
  const lan = await createLan({ hosts: 2 });
  cleanup.push(() => lan.close());
  const [a, b] = lan.hosts as [LanHost, LanHost];
  const doorbell = await startDoorbellIn(a, [
    '--viewer-dir',
    viewer.dir,
    '--address',
    a.ip,
    '--name',
    'Bench door',
  ]);
  cleanup.push(() => doorbell.stop());
  const anchorProc = a.node(join(here, 'doorbell-anchor.ts'), [a.ip]);
  const anchorPort = (await jsonLines(anchorProc).next((l) => 'port' in l)).port as number;
  const staticProc = b.node(STATIC_SERVER, [viewer.dir]);
  const staticPort = (await jsonLines(staticProc).next((l) => 'port' in l)).port as number;
  const urls: Record<Kind, string> = {
    served: doorbell.url,
    direct: `http://localhost:${staticPort}/`,
    anchor: `http://${a.ip}:${anchorPort}/`,
  };

  // ---- first frame ----
  const chromium = await launchChromium(b.name, ['--autoplay-policy=no-user-gesture-required']);
  cleanup.push(() => chromium.close());
  const context: BrowserContext = await chromium.browser.newContext();
  await context.addInitScript(MARKS);
  const pages = {} as Record<Kind, Page>;
  for (const kind of ['served', 'direct', 'anchor'] as const) {
    pages[kind] = await context.newPage();
    pages[kind].on('pageerror', (e) => console.error(`${kind} page error: ${e.message}`));
  }
  // Pair once each: the served page by PIN, the localhost one by the one-time pairing card.
  await pages.served.goto(urls.served);
  await until(
    () => viewerState(pages.served),
    (s) => s.screen === 'pair',
  );
  const pin = doorbell.pin();
  const paired = await viewerAction(pages.served, 'enterPin', pin);
  if (!paired.ok) throw new Error(`PIN pairing: ${paired.error}`);
  await until(
    async () => doorbell.pin(),
    (p) => p !== pin,
  );
  await sleep(500); // a pairing re-issues the pairing card too: its lines come after the new PIN's
  await pages.direct.goto(urls.direct);
  await pages.direct.waitForFunction(() => 'doorbellViewer' in globalThis);
  // The hooks exist before the card form has its handlers: an earlier connectText is a no-op.
  await until(
    () => viewerState(pages.direct),
    (s) => s.screen === 'pair',
  );
  const card = await viewerAction(pages.direct, 'connectText', doorbell.pairingCard());
  if (!card.ok) throw new Error(`card pairing: ${card.error}`);
  for (const kind of ['served', 'direct'] as const) {
    await pages[kind].bringToFront();
    await until(
      () => viewerState(pages[kind]),
      (s) => s.video.framesPresented > 0,
    );
  }
  for (const kind of ['served', 'direct'] as const) await pages[kind].goto('about:blank');

  const samples: Record<Kind, Sample[]> = { served: [], direct: [], anchor: [] };
  const order: Kind[] = ['served', 'direct', 'anchor'];
  for (const kind of order) await firstFrame(pages[kind], urls[kind], kind); // warm-up
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < order.length; j++) {
      const kind = order[(i + j) % order.length] as Kind;
      await sleep(300);
      samples[kind].push(await firstFrame(pages[kind], urls[kind], kind));
    }
  }
  await context.close();
  console.error(JSON.stringify({ samples }));
  anchorProc.kill('SIGTERM'); // its encoder would load the machine during the CPU phase

  const anchorMedian = stats(samples.anchor.map((s) => s.firstFrame as number)).median;
  const names: Record<Kind, string> = {
    served: 'device-served page (`http://<doorbell>:8080/`, relay)',
    direct: 'installed viewer on `http://localhost` (direct connect)',
    anchor: 'anchor: werift → Chromium, plain offer/answer',
  };
  log(
    `**Navigation start → first frame presented**, Chromium ${chromium.browser.version()}, ${runs} runs each (interleaved), ms`,
  );
  log();
  log('| page | median | p90 | min–max | median / anchor median |');
  log('|---|---|---|---|---|');
  for (const kind of order) {
    const s = stats(samples[kind].map((x) => x.firstFrame as number));
    log(
      `| ${names[kind]} | ${f(s.median)} | ${f(s.p90)} | ${f(s.min)}–${f(s.max)} | ${(s.median / anchorMedian).toFixed(2)}× |`,
    );
  }
  log();
  const steps: [string, string][] = [
    ['htmlLoaded', 'HTML received'],
    ['domReady', 'DOMContentLoaded'],
    ['firstPaint', 'first paint'],
    ['loaded', 'load event done'],
    ['wsOpen', 'relay WebSocket open'],
    ['pcCreated', 'RTCPeerConnection created'],
    ['stable1', 'first offer/answer done'],
    ['pcConnected', 'ICE + DTLS connected'],
    ['trackvideo', 'video track'],
    ['stable2', 'renegotiation done'],
    ['firstPacket', 'first video packet (getStats, 20 ms polls)'],
    ['firstDecoded', 'first frame decoded (same)'],
    ['video_loadstart', '<video> loadstart'],
    ['video_loadedmetadata', '<video> loadedmetadata'],
    ['video_playing', '<video> playing'],
    ['probeFrame', 'first frame presented (probe registered at loadstart)'],
    ['firstFrame', 'first frame presented'],
  ];
  log('**Where the time goes**: median ms since navigation start of each step (— : not on this path)');
  log();
  log(`| step | ${order.map((k) => k).join(' | ')} |`);
  log(`|---|${order.map(() => '---|').join('')}`);
  for (const [key, label] of steps) {
    const cells = order.map((k) => {
      const xs = samples[k].map((x) => x[key]).filter((x): x is number => typeof x === 'number');
      return xs.length === samples[k].length
        ? f(stats(xs).median)
        : xs.length
          ? `${f(stats(xs).median)}*`
          : '—';
    });
    log(`| ${label} | ${cells.join(' | ')} |`);
  }
  log(
    `| keyframe requests (PLI) before the first decoded frame, median / max | ${order
      .map((k) => {
        const x = stats(samples[k].map((y) => y.pliAtDecode ?? Number.NaN));
        return `${f(x.median)} / ${f(x.max)}`;
      })
      .join(' | ')} |`,
  );
  for (const [key, label] of [
    ['rxFramesReceived', 'frames received by then (inbound-rtp, median)'],
    ['rxFramesDecoded', 'frames decoded by then'],
    ['rxKeyFrames', 'keyframes decoded by then'],
    ['rxPli', 'PLIs sent by then'],
    ['rxJitterMs', 'jitter buffer delay per frame by then, ms'],
    ['videoLoads', '<video> loads (loadstart events)'],
    ['probePresented', 'frames the compositor had presented at the first callback (rVFC presentedFrames)'],
    ['rafAfterPlaying', 'requestAnimationFrame callbacks from `playing` to the first frame callback'],
    ['hidden', 'page hidden at the first frame (1 = yes)'],
  ] as const)
    log(
      `| ${label} | ${order.map((k) => f(stats(samples[k].map((y) => y[key] ?? Number.NaN)).median)).join(' | ')} |`,
    );
  log(
    `| renegotiations (median) | ${order.map((k) => stats(samples[k].map((x) => x.renegotiations ?? 0)).median).join(' | ')} |`,
  );
  log();

  // ---- CPU and RSS with N viewers ----
  if (args.includes('--first-frame-only')) throw new Skip();
  await sleep(1_500); // the tabs' goodbyes
  const wrapper = doorbell.child.pid ?? 0;
  const ffmpeg = descendants(wrapper).find((p) => comm(p) === 'ffmpeg');
  if (!ffmpeg) throw new Error('no ffmpeg under the doorbell process');
  const node = ppid(ffmpeg);
  const viewersProc = b.node(join(here, 'doorbell-viewers.ts'), [b.ip, doorbell.url]);
  cleanup.push(() => viewersProc.kill('SIGTERM'));
  const viewers = jsonLines(viewersProc);
  await viewers.next((l) => l.ready === true);
  // The script's own Node process (under host.node's wrapper and tsx's).
  const viewerPid = Number((await viewers.next((l) => 'pid' in l, 5_000, 0)).pid);
  let added = 0;
  log(
    `**Doorbell cost with N Node viewers** (werift, direct connect, each its own identity paired by PIN; over ${seconds} s after 2 s settling; one core = 100 %)`,
  );
  log();
  log(
    '| viewers | doorbell Node CPU | doorbell Node RSS | ffmpeg CPU | ffmpeg RSS | video packets/s per viewer, min–max | Node viewers process CPU (host B) |',
  );
  log('|---|---|---|---|---|---|---|');
  const rows: { n: number; node: number; ffmpeg: number }[] = [];
  for (const n of [0, 1, 3, 5]) {
    while (added < n) {
      const current = doorbell.pin();
      const from = viewers.length;
      viewers.send(`add ${current}`);
      const r = await viewers.next((l) => 'added' in l || 'error' in l, 20_000, from);
      if ('error' in r) throw new Error(`viewer ${added + 1}: ${String(r.error)}`);
      added++;
      await until(
        async () => doorbell.pin(),
        (p) => p !== current,
      );
    }
    await sleep(2_000);
    const p0 = (await (async () => {
      const from = viewers.length;
      viewers.send('count');
      return (await viewers.next((l) => 'packets' in l, 5_000, from)).packets;
    })()) as number[];
    const [n0, f0, v0, t0] = [cpuSeconds(node), cpuSeconds(ffmpeg), cpuSeconds(viewerPid), performance.now()];
    await sleep(seconds * 1_000);
    const [n1, f1, v1] = [cpuSeconds(node), cpuSeconds(ffmpeg), cpuSeconds(viewerPid)];
    const secs = (performance.now() - t0) / 1_000;
    const from = viewers.length;
    viewers.send('count');
    const p1 = (await viewers.next((l) => 'packets' in l, 5_000, from)).packets as number[];
    const rates = p1.map((x, i) => (x - (p0[i] ?? 0)) / secs);
    const row = { n, node: (100 * (n1 - n0)) / secs, ffmpeg: (100 * (f1 - f0)) / secs };
    rows.push(row);
    log(
      `| ${n} | ${row.node.toFixed(1)} % | ${rssMb(node).toFixed(0)} MB | ${row.ffmpeg.toFixed(1)} % | ${rssMb(ffmpeg).toFixed(0)} MB | ${n === 0 ? '—' : `${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}`} | ${((100 * (v1 - v0)) / secs).toFixed(1)} % |`,
    );
  }
  log();
  const one = rows.find((r) => r.n === 1);
  const five = rows.find((r) => r.n === 5);
  if (one && five)
    log(
      `5 viewers / 1 viewer: ffmpeg CPU ${(five.ffmpeg / one.ffmpeg).toFixed(2)}×, doorbell Node CPU ${(five.node / one.node).toFixed(2)}×.`,
    );
  console.error(`# uptime at the end: ${uptime()}`);

  if (args.includes('--write')) {
    const heading = '## Doorbell: first frame and cost per viewer (bench:doorbell)';
    const section = `${heading}

Reproduce: \`pnpm bench:doorbell --write\` (\`--runs N\`, \`--seconds S\`). Run ${startedAt.toISOString().slice(0, 16)} UTC, load average at the end: ${uptime().replace(/^.*load average: /, '')}. A 2-host namespace LAN on the 2-core machine: host A the real doorbell program (test pattern, VP8 + Opus, the viewer built fresh) and the anchor (\`bench/doorbell-anchor.ts\`: a \`createNodePeer\` werift peer fed by \`createMediaSource\` with the doorbell's settings, a minimal inline-JS page, the offer POSTed at once and the answer in the reply — no identity, no pairing, no authentication); host B Chromium (one browser context: IndexedDB and the service worker persist) and the Node viewers. Each browser path paired once first (PIN; the one-time pairing card for the localhost viewer) and warmed up once; runs alternate between the three pages, each in the front tab (\`bringToFront\`: a hidden tab's first frame callback comes up to a second late), a \`page.goto\` measured from navigation start to the first frame the \`<video>\` presented (requestVideoFrameCallback), then \`about:blank\`. The step table comes from an init script timestamping the page's WebSocket and RTCPeerConnection events. Quantiles nearest-rank. Method in the header of \`bench/doorbell.ts\`.

${out.join('\n')}

${END}
`;
    const path = join(here, '../BENCHMARKS.md');
    const md = readFileSync(path, 'utf8');
    // The generated part runs from the heading to the END marker; the reading below it is kept.
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
} catch (error) {
  if (!(error instanceof Skip)) throw error;
} finally {
  for (const undo of cleanup.reverse()) await Promise.resolve(undo()).catch(() => {});
}
process.exit(0);
