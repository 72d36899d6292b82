/**
 * bench:werift-throughput — raw werift → werift DataChannel throughput between two namespace hosts
 * (two processes, bench/werift-throughput-peer.ts), with the werift patch's throughput fixes off
 * (`stock`: werift 0.24.4's own code for them) and on (`patched`), in ONE run on the same build.
 *
 *   pnpm bench:werift-throughput [--rounds 3] [--mib 100] [--size 65536] [--ladder]
 *
 * Each round runs both modes, the first mode alternating between rounds so drift hits both alike;
 * `--ladder` adds the fixes one at a time (stock, 13, 13–14, …, 13–17 = patched), in reversed order
 * every other round;
 * each transfer gets two fresh processes (the switch is read before any werift object exists).
 * A transfer is `--mib` MiB in `--size`-byte messages on one reliable ordered channel, the sender
 * keeping bufferedAmount between 1 and 4 MiB. MB/s = bytes / (last byte − first byte) at the
 * receiver. Also printed: both processes' CPU time, UDP datagrams the receiving namespace dropped for
 * a full buffer, DATA chunks the sender retransmitted, MB per CPU-second of the busier process (what
 * it would reach with a core to itself: less sensitive to other load on a shared machine than MB/s),
 * and the load average before and after.
 * Results: BENCHMARKS.md §"werift DataChannel throughput".
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { childLines } from '../test/kit/child-lines.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const rounds = opt('--rounds', 3);
const total = opt('--mib', 100) * 1024 * 1024;
const size = opt('--size', 65_536);
if (process.env.LANRTC_IN_NETNS !== '1')
  throw new Error('run it with `pnpm bench:werift-throughput` (needs root)');
const PEER = fileURLToPath(new URL('./werift-throughput-peer.ts', import.meta.url));

type Host = Lan['hosts'][number];
/** `stock`, `patched`, or `fixes:13,14,…` (only those throughput fixes on). */
type Mode = string;
const ladder = args.includes('--ladder');
const MODES: Mode[] = ladder
  ? ['stock', 'fixes:13', 'fixes:13,14', 'fixes:13,14,15', 'fixes:13,14,15,16', 'patched']
  : ['stock', 'patched'];
interface Result {
  mode: Mode;
  mbps: number;
  recvCpuMs: number;
  sendCpuMs: number;
  udpDrops: number;
  retransmitted: number;
}

async function transfer(a: Host, b: Host, mode: Mode): Promise<Result> {
  const send = a.node(PEER, ['send', mode, String(total), String(size)]);
  const recv = b.node(PEER, ['recv', mode, String(total), String(size)]);
  const s = childLines(send);
  const r = childLines(recv);
  try {
    const offer = await s.next((l) => l.event === 'sdp', { what: 'offer' });
    recv.stdin?.write(`${JSON.stringify(offer)}\n`);
    const answer = await r.next((l) => l.event === 'sdp', { what: 'answer' });
    send.stdin?.write(`${JSON.stringify(answer)}\n`);
    const got = await r.next((l) => l.event === 'done', { ms: 600_000, what: 'receiver done' });
    const sent = await s.next((l) => l.event === 'done', { ms: 30_000, what: 'sender done' });
    send.stdin?.write('{}\n');
    return {
      mode,
      mbps: got.mbps as number,
      recvCpuMs: got.cpuMs as number,
      sendCpuMs: sent.cpuMs as number,
      udpDrops: got.udpDrops as number,
      retransmitted: sent.retransmitted as number,
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

const load0 = loadavg();
const lan = await createLan({ hosts: 2 });
const results: Result[] = [];
try {
  const [a, b] = lan.hosts as [Host, Host];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? MODES : [...MODES].reverse();
    for (const mode of order) {
      const res = await transfer(a, b, mode);
      results.push(res);
      console.log(JSON.stringify({ round: i + 1, ...res, mbps: Number(res.mbps.toFixed(2)) }));
    }
  }
} finally {
  await lan.close();
}
const load1 = loadavg();
const by = (m: Mode) => results.filter((r) => r.mode === m);
/** MB per CPU-second of the busier process: the rate if it had a core to itself (less load-dependent). */
const cpuRate = (r: Result) => total / 1e6 / (Math.max(r.sendCpuMs, r.recvCpuMs) / 1000);
const summary = (m: Mode) => ({
  mode: m,
  mbpsMedian: Number(median(by(m).map((r) => r.mbps)).toFixed(2)),
  cpuMbpsMedian: Number(median(by(m).map(cpuRate)).toFixed(2)),
  mbps: by(m).map((r) => Number(r.mbps.toFixed(2))),
  udpDropsMedian: median(by(m).map((r) => r.udpDrops)),
  retransmittedMedian: median(by(m).map((r) => r.retransmitted)),
  recvCpuMsMedian: Math.round(median(by(m).map((r) => r.recvCpuMs))),
  sendCpuMsMedian: Math.round(median(by(m).map((r) => r.sendCpuMs))),
});
const stock = summary('stock');
const patched = summary('patched');
for (const m of MODES) console.log(JSON.stringify(summary(m)));
console.log(
  JSON.stringify({
    ratio: Number((patched.mbpsMedian / stock.mbpsMedian).toFixed(2)),
    cpuRatio: Number((patched.cpuMbpsMedian / stock.cpuMbpsMedian).toFixed(2)),
    mib: total / 1024 / 1024,
    size,
    rounds,
    loadavgBefore: load0.map((x) => Number(x.toFixed(2))),
    loadavgAfter: load1.map((x) => Number(x.toFixed(2))),
  }),
);
