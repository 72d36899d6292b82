/**
 * bench:file-transfer — one file (random bytes, on disk) from LAN host A to LAN host B, each side its
 * own process (bench/file-transfer-peer.ts), over every path lanrtc's file transfer is measured
 * against, in ONE run:
 *
 *   pnpm bench:file-transfer [--size 1G] [--runs 1] [--paths local,tcp,tls,dc,lanrtc-tls,lanrtc-dc] [--stock]
 *
 * - `local`: read the file and write a copy in this process (no network) — what the disk allows.
 * - `tcp`: node:net, read file → socket → write file → fsync.
 * - `tls`: node:tls 1.3, same shape, each side pinning the other's certificate — the ceiling.
 * - `dc`: a plain werift DataChannel (the project's patched werift), 64 KiB messages; `--stock` adds
 *   `dc-stock`, the same with the patch's throughput fixes switched off (werift 0.24.4's own code).
 * - `lanrtc-tls` / `lanrtc-dc`: node-agent `sendFiles` / `receiveFiles` restricted to one lane, over a
 *   direct connection paired with a one-time QR secret (pairing is before the clock starts).
 *
 * The clock starts when the sender starts reading (connection already up; for lanrtc when
 * `sendFiles` is called, so its hashing pass over the file counts) and stops when the receiver has
 * the file written, fsync'd and closed (lanrtc: `receiveFiles` resolved — renamed into place).
 * MB/s = bytes / that time (MB = 10^6 bytes); "moving" MB/s starts at the receiver's first byte
 * instead. Each copy is checked against the source's SHA-256, then deleted. Peak RSS = VmHWM of
 * each peer process. `--size` takes K/M/G (binary: 100M = 100 MiB); the file lives in a temp
 * directory that is removed at the end. `--runs N` repeats every path N times, the order reversed
 * every other run. Results: BENCHMARKS.md §"File transfer".
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { childLines } from '../test/kit/child-lines.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined =>
  args.includes(name) ? args[args.indexOf(name) + 1] : undefined;

/** `1G`, `100M`, `512K` or plain bytes; binary multiples. */
function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) throw new Error(`--size: expected e.g. 1G, 100M or a byte count, got "${text}"`);
  const unit = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[
    (m[2] as string).toUpperCase() as '' | 'K' | 'M' | 'G'
  ];
  const bytes = Math.round(Number(m[1]) * unit);
  if (!(bytes > 0)) throw new Error('--size must be more than 0 bytes');
  return bytes;
}

const size = parseSize(opt('--size') ?? '1G');
const runs = Number(opt('--runs') ?? 1);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number ≥ 1');
const ALL = ['local', 'tcp', 'tls', 'dc', 'dc-stock', 'lanrtc-tls', 'lanrtc-dc'] as const;
type PathName = (typeof ALL)[number];
const requested = (opt('--paths') ?? 'local,tcp,tls,dc,lanrtc-tls,lanrtc-dc').split(',');
if (args.includes('--stock') && !requested.includes('dc-stock'))
  requested.splice(requested.indexOf('dc') + 1, 0, 'dc-stock');
for (const p of requested) {
  if (!(ALL as readonly string[]).includes(p))
    throw new Error(`--paths: unknown path "${p}" (${ALL.join(', ')})`);
}
if (process.env.LANRTC_IN_NETNS !== '1')
  throw new Error('run it with `pnpm bench:file-transfer` (needs root)');

const paths = requested as PathName[];

const PEER = fileURLToPath(new URL('./file-transfer-peer.ts', import.meta.url));
type Host = Lan['hosts'][number];

interface Result {
  path: PathName;
  run: number;
  bytes: number;
  /** bytes / (receiver done − sender start), MB/s. */
  mbps: number;
  /** bytes / (receiver done − receiver's first byte), MB/s. */
  movingMbps: number;
  ms: number;
  sendCpuMs?: number;
  /** Garbage-collection pauses per kind during the transfer (ms), per process. */
  sendGcMs?: Record<string, number> | undefined;
  recvGcMs?: Record<string, number> | undefined;
  recvCpuMs?: number;
  /** CPU per thread kind (`main`, `libuv-worker`, V8's helpers…) as `<user ms>u+<system ms>s`, per process. */
  sendThreads?: unknown;
  recvThreads?: unknown;
  sendHwmMib?: number;
  recvHwmMib?: number;
  sendRssStartMib?: number;
  recvRssStartMib?: number;
  extra?: Record<string, unknown>;
}

const mib = (kib: unknown) => Number(((kib as number) / 1024).toFixed(1));
const round = (x: number, d = 1) => Number(x.toFixed(d));

/** Write `bytes` of random data to `file` (16 MiB at a time) and return its SHA-256. */
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

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `local`: the same read → write → fsync with no network in between, in this process. */
async function localCopy(src: string, dest: string, run: number): Promise<Result> {
  const t0 = performance.now();
  const fd = openSync(dest, 'w');
  await pipeline(
    createReadStream(src, { highWaterMark: 1 << 20 }),
    createWriteStream('', { fd, autoClose: false, highWaterMark: 1 << 20 }),
  );
  fsyncSync(fd);
  closeSync(fd);
  const ms = performance.now() - t0;
  const mbps = size / 1e6 / (ms / 1000);
  return { path: 'local', run, bytes: size, mbps, movingMbps: mbps, ms };
}

/** One transfer over `path` from host `a` to host `b`; `dest` is the file (or, for lanrtc, the directory) to write. */
async function transfer(
  a: Host,
  b: Host,
  path: PathName,
  src: string,
  dest: string,
  run: number,
): Promise<Result> {
  const recv = b.node(PEER, ['recv', path, dest, b.ip, b.ip]);
  const send = a.node(PEER, ['send', path, src, b.ip, a.ip]);
  const r = childLines(recv);
  const s = childLines(send);
  const tell = (child: typeof send, o: Record<string, unknown>) =>
    child.stdin?.write(`${JSON.stringify(o)}\n`);
  try {
    if (path === 'tcp' || path === 'tls') {
      const [sh, rh] = await Promise.all([
        s.next((l) => l.event === 'hello', { what: 'sender hello' }),
        r.next((l) => l.event === 'hello', { what: 'receiver hello' }),
      ]);
      tell(recv, { fingerprint: sh.fingerprint });
      tell(send, { fingerprint: rh.fingerprint });
      const listening = await r.next((l) => l.event === 'listening', { what: 'receiver listening' });
      tell(send, { port: listening.port });
    } else if (path === 'dc' || path === 'dc-stock') {
      tell(recv, await s.next((l) => l.event === 'sdp', { what: 'offer' }));
      tell(send, await r.next((l) => l.event === 'sdp', { what: 'answer' }));
    } else {
      tell(send, await r.next((l) => l.event === 'pairing', { what: 'pairing card' }));
    }
    // A peer that fails ends its process: say so at once rather than after the long wait.
    const failed = new Promise<never>((_, reject) => {
      for (const [child, lines, who] of [
        [send, s, 'sender'],
        [recv, r, 'receiver'],
      ] as const) {
        child.once('close', (code, signal) => {
          if (lines.lines.some((l) => l.event === 'done')) return;
          reject(
            new Error(
              `${path}: the ${who} exited (${code ?? signal}) before it was done: ${lines.stderr().slice(-2000)}`,
            ),
          );
        });
      }
    });
    failed.catch(() => {}); // raced below; a later exit is not an unhandled rejection
    const got = await Promise.race([
      r.next((l) => l.event === 'done', { ms: 3_600_000, what: 'receiver done' }),
      failed,
    ]);
    const sent = await Promise.race([
      s.next((l) => l.event === 'done', { ms: 60_000, what: 'sender done' }),
      failed,
    ]);
    tell(send, {});
    tell(recv, {});
    const tStart = sent.tStart as number;
    const tDone = got.tDone as number;
    const tFirst = got.tFirst as number;
    const ms = tDone - tStart;
    return {
      path,
      run,
      bytes: got.bytes as number,
      mbps: size / 1e6 / (ms / 1000),
      movingMbps: size / 1e6 / ((tDone - tFirst) / 1000),
      ms,
      sendCpuMs: sent.cpuMs as number,
      recvCpuMs: got.cpuMs as number,
      sendThreads: sent.threads,
      recvThreads: got.threads,
      sendHwmMib: mib(sent.hwmKib),
      recvHwmMib: mib(got.hwmKib),
      sendRssStartMib: mib(sent.rssStartKib),
      recvRssStartMib: mib(got.rssStartKib),
      sendGcMs: sent.gcMs as Record<string, number> | undefined,
      recvGcMs: got.gcMs as Record<string, number> | undefined,
      // What the transfer says about itself: the TLS version and cipher, the lane lanrtc used.
      extra: Object.fromEntries(
        Object.entries({ protocol: sent.protocol, cipher: sent.cipher, lane: got.lane }).filter(
          ([, v]) => v !== undefined,
        ),
      ),
    };
  } finally {
    send.kill('SIGTERM');
    recv.kill('SIGTERM');
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

const uptimeBefore = uptime();
const load0 = loadavg();
console.log(JSON.stringify({ size, runs, paths, uptimeBefore }));
const dir = await mkdtemp(join(tmpdir(), 'lanrtc-bench-file-transfer-'));
const results: Result[] = [];
const lan = await createLan({ hosts: 2 });
try {
  const src = join(dir, 'source.bin');
  const t0 = performance.now();
  const want = generate(src, size);
  console.log(JSON.stringify({ generated: src, bytes: size, ms: Math.round(performance.now() - t0) }));
  const [a, b] = lan.hosts as [Host, Host];
  for (let run = 1; run <= runs; run++) {
    const order = run % 2 === 1 ? paths : [...paths].reverse();
    for (const path of order) {
      // Earlier copies' dirty pages are on disk before this one starts its clock.
      execFileSync('sync');
      const lanrtc = path.startsWith('lanrtc-');
      const target = join(dir, lanrtc ? `recv-${path}-${run}` : `recv-${path}-${run}.bin`);
      if (lanrtc) await mkdir(target);
      const res =
        path === 'local' ? await localCopy(src, target, run) : await transfer(a, b, path, src, target, run);
      const copy = lanrtc ? join(target, 'source.bin') : target;
      const got = await sha256Of(copy);
      if (got !== want) throw new Error(`${path}: the copy's SHA-256 ${got} is not the source's ${want}`);
      await rm(target, { recursive: true, force: true });
      results.push(res);
      console.log(
        JSON.stringify({
          ...res,
          mbps: round(res.mbps),
          movingMbps: round(res.movingMbps),
          ms: Math.round(res.ms),
          sha256: 'ok',
        }),
      );
    }
  }
} finally {
  await lan.close();
  await rm(dir, { recursive: true, force: true });
}
const uptimeAfter = uptime();
const load1 = loadavg();

const of = (p: PathName) => results.filter((r) => r.path === p);
const med = (p: PathName, f: (r: Result) => number | undefined) => {
  const xs = of(p)
    .map(f)
    .filter((x): x is number => x !== undefined);
  return xs.length ? median(xs) : undefined;
};
/** MB per CPU-second of the busier process: the rate with a core to itself (less load-dependent than MB/s). */
const cpuRate = (r: Result) =>
  r.sendCpuMs === undefined || r.recvCpuMs === undefined
    ? undefined
    : r.bytes / 1e6 / (Math.max(r.sendCpuMs, r.recvCpuMs) / 1000);
const tls = paths.includes('tls') ? med('tls', (r) => r.mbps) : undefined;
const rows = paths.map((p) => ({
  path: p,
  mbpsMedian: round(med(p, (r) => r.mbps) as number),
  mbps: of(p).map((r) => round(r.mbps)),
  movingMbpsMedian: round(med(p, (r) => r.movingMbps) as number),
  xTls: tls ? round((med(p, (r) => r.mbps) as number) / tls, 2) : undefined,
  cpuMbps: (() => {
    const x = med(p, cpuRate);
    return x === undefined ? undefined : round(x);
  })(),
  sendHwmMib: med(p, (r) => r.sendHwmMib),
  recvHwmMib: med(p, (r) => r.recvHwmMib),
  sendRssStartMib: med(p, (r) => r.sendRssStartMib),
  recvRssStartMib: med(p, (r) => r.recvRssStartMib),
  sendCpuS:
    med(p, (r) => r.sendCpuMs) === undefined
      ? undefined
      : round((med(p, (r) => r.sendCpuMs) as number) / 1000),
  recvCpuS:
    med(p, (r) => r.recvCpuMs) === undefined
      ? undefined
      : round((med(p, (r) => r.recvCpuMs) as number) / 1000),
}));
for (const row of rows) console.log(JSON.stringify(row));
console.log(
  JSON.stringify({
    size,
    runs,
    loadavgBefore: load0.map((x) => round(x, 2)),
    loadavgAfter: load1.map((x) => round(x, 2)),
    uptimeBefore,
    uptimeAfter,
  }),
);
// The same as a Markdown table for BENCHMARKS.md.
const cell = (x: unknown) => (x === undefined ? '—' : String(x));
console.log(
  '\n| path | MB/s (median) | MB/s per run | × TLS | moving MB/s | RSS at start → peak, send / recv (MiB) | CPU s send / recv | MB per CPU-s |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.path} | ${row.mbpsMedian} | ${row.mbps.join(', ')} | ${cell(row.xTls)} | ${row.movingMbpsMedian} | ${cell(row.sendRssStartMib)} → ${cell(row.sendHwmMib)} / ${cell(row.recvRssStartMib)} → ${cell(row.recvHwmMib)} | ${cell(row.sendCpuS)} / ${cell(row.recvCpuS)} | ${cell(row.cpuMbps)} |`,
  );
}
