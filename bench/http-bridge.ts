/**
 * bench:http-bridge — HTTP over the connection (signal-core's `serveHttp` / `openHttpClientOnLane`
 * on a `lanrtc-http` DataChannel) against raw DataChannels of the SAME connection, Node↔Node:
 * two werift peers in ONE process inside a private network namespace (scripts/netns-run.mjs), so
 * both ends share one event loop — the same for both paths, which is what the ratio compares.
 *
 *   pnpm bench:http-bridge [--mib 100] [--runs 3] [--ttfb 200]
 *
 * - download: `--mib` MiB from a handler that yields 64 KiB chunks from memory (what a Node HTTP
 *   upstream hands a forwarder), read by the client as it arrives; vs the same bytes as 64 KiB frames
 *   on a second channel (`raw`), both through node-agent's `weriftDataChannelLane` (the same
 *   backpressure). MB/s = bytes / (last byte read − request start); MB per CPU-second = bytes / the
 *   process's CPU time over the transfer (both peers: less sensitive to other load than MB/s).
 * - ttfb: a small JSON GET on the open HTTP channel, from `fetch()` to the parsed body, vs a 64-byte
 *   echo on a third channel (`echo`); median and p90 over `--ttfb` alternating samples.
 * Runs alternate which path goes first. Results: BENCHMARKS.md §"HTTP over the connection".
 */
import { loadavg } from 'node:os';
import { createDtlsCertificate, createNodePeer, weriftDataChannelLane } from '@lanrtc/node-agent';
import { HTTP_CHANNEL_LABEL, openHttpClientOnLane, serveHttp } from '@lanrtc/signal-core/http';
import type { TransferLane } from '@lanrtc/signal-core/transfer';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const total = opt('--mib', 100) * 1024 * 1024;
const runs = opt('--runs', 3);
const ttfbSamples = opt('--ttfb', 200);
if (process.env.LANRTC_IN_NETNS !== '1') throw new Error('run it with `pnpm bench:http-bridge` (needs root)');

const CHUNK = 64 * 1024;
const block = new Uint8Array(CHUNK).fill(0x5a);
const smallBytes = new TextEncoder().encode(JSON.stringify({ ok: true, items: [1, 2, 3], name: 'lanrtc' }));

function waitOpen(channel: RTCDataChannel): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve) => {
    const sub = channel.stateChanged.subscribe((s) => {
      if (s !== 'open') return;
      sub.unSubscribe();
      resolve();
    });
  });
}

async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve) => {
    const sub = pc.iceGatheringStateChange.subscribe((s) => {
      if (s !== 'complete') return;
      sub.unSubscribe();
      resolve();
    });
  });
}

/** One connection with three channels, each adapted as a lane on both ends. */
async function connect() {
  const [certA, certB] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
  const page = createNodePeer({ certificate: certA, interfaceAddresses: ['10.77.0.1'] });
  const device = createNodePeer({ certificate: certB, interfaceAddresses: ['10.77.0.1'] });
  const labels = [HTTP_CHANNEL_LABEL, 'raw', 'echo'];
  const incoming = new Map<string, RTCDataChannel>();
  const allIncoming = new Promise<void>((resolve) =>
    device.onDataChannel.subscribe((ch) => {
      incoming.set(ch.label, ch);
      if (incoming.size === labels.length) resolve();
    }),
  );
  const outgoing = labels.map((label) => page.createDataChannel(label));
  await page.setLocalDescription(await page.createOffer());
  await gathered(page);
  await device.setRemoteDescription(page.localDescription as never);
  await device.setLocalDescription(await device.createAnswer());
  await gathered(device);
  await page.setRemoteDescription(device.localDescription as never);
  await allIncoming;
  await Promise.all([...outgoing, ...incoming.values()].map(waitOpen));
  const lane = (label: string, side: 'page' | 'device'): TransferLane =>
    weriftDataChannelLane(
      side === 'page'
        ? (outgoing[labels.indexOf(label)] as RTCDataChannel)
        : (incoming.get(label) as RTCDataChannel),
    );
  const channel = (label: string, side: 'page' | 'device'): RTCDataChannel =>
    side === 'page'
      ? (outgoing[labels.indexOf(label)] as RTCDataChannel)
      : (incoming.get(label) as RTCDataChannel);
  return { page, device, lane, channel };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)] as number;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

const { page, device, lane, channel } = await connect();

// The device: one handler, a download and a small JSON answer.
serveHttp(lane(HTTP_CHANNEL_LABEL, 'device'), {
  service: 'web',
  handler: async (req) => {
    // An async iterable, as a forwarder hands on a Node response (Node's Blob.stream() alone adds ms).
    if (req.path === '/small.json')
      return {
        status: 200,
        headers: [['content-type', 'application/json']],
        body: (async function* () {
          yield smallBytes;
        })(),
      };
    const bytes = Number(new URLSearchParams(req.path.split('?')[1]).get('bytes'));
    return {
      status: 200,
      headers: [['content-length', String(bytes)]],
      body: (async function* () {
        for (let sent = 0; sent < bytes; sent += CHUNK)
          yield block.subarray(0, Math.min(CHUNK, bytes - sent));
      })(),
    };
  },
});
const client = await openHttpClientOnLane(lane(HTTP_CHANNEL_LABEL, 'page'));

// The raw path: the device writes frames, the page counts them.
const rawDevice = lane('raw', 'device');
const rawPage = lane('raw', 'page');
let rawWaiter: { need: number; got: number; done: () => void } | undefined;
rawPage.onFrame((frame) => {
  if (!rawWaiter) return;
  rawWaiter.got += frame.length;
  advance('raw', rawWaiter.got);
  if (rawWaiter.got >= rawWaiter.need) rawWaiter.done();
});
// A one-byte frame from the page asks for `total` bytes (a request, as the HTTP path has one).
rawDevice.onFrame(() => {
  void (async () => {
    for (let sent = 0; sent < total; sent += CHUNK)
      await rawDevice.write(block.subarray(0, Math.min(CHUNK, total - sent)));
  })();
});

/** What the running download has read, for the stall watchdog. */
const progress = { path: '', bytes: 0, at: 0 };
const watchdog = setInterval(() => {
  if (progress.path && performance.now() - progress.at > 15_000)
    throw new Error(
      `${progress.path} download stalled at ${progress.bytes} of ${total} bytes ` +
        `(device bufferedAmount: raw ${channel('raw', 'device').bufferedAmount}, http ${channel(HTTP_CHANNEL_LABEL, 'device').bufferedAmount})`,
    );
}, 1000);
const advance = (path: string, bytes: number) => {
  progress.path = path;
  progress.bytes = bytes;
  progress.at = performance.now();
};

async function downloadRaw(): Promise<{ ms: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const done = new Promise<void>((resolve) => (rawWaiter = { need: total, got: 0, done: resolve }));
  await rawPage.write(new Uint8Array([1]));
  await done;
  rawWaiter = undefined;
  progress.path = '';
  return { ms: performance.now() - t0, cpu: cpuMs(cpu0) };
}

async function downloadHttp(): Promise<{ ms: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const response = await client.fetch(`/download?bytes=${total}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    got += value.length;
    advance('http', got);
  }
  progress.path = '';
  if (got !== total) throw new Error(`HTTP download got ${got} of ${total} bytes`);
  return { ms: performance.now() - t0, cpu: cpuMs(cpu0) };
}

// The echo path: the device sends every frame back.
const echoDevice = lane('echo', 'device');
const echoPage = lane('echo', 'page');
echoDevice.onFrame((frame) => void echoDevice.write(frame));
let echoWaiter: (() => void) | undefined;
echoPage.onFrame(() => echoWaiter?.());
const ping = new Uint8Array(64).fill(1);

async function echoOnce(): Promise<number> {
  const t0 = performance.now();
  const back = new Promise<void>((resolve) => (echoWaiter = resolve));
  await echoPage.write(ping);
  await back;
  return performance.now() - t0;
}

const heads: number[] = [];
async function httpOnce(): Promise<number> {
  const t0 = performance.now();
  const response = await client.fetch('/small.json');
  heads.push(performance.now() - t0);
  if (response.status !== 200) throw new Error(`small.json answered ${response.status}`);
  await response.json();
  return performance.now() - t0;
}

const load0 = loadavg()[0] as number;
console.log(
  `http-bridge: ${total / 2 ** 20} MiB × ${runs} runs, ${ttfbSamples} TTFB samples, load ${load0.toFixed(2)}`,
);
const mb = total / 1e6;
const ratios: number[] = [];
for (let run = 0; run < runs; run++) {
  const order = run % 2 === 0 ? (['raw', 'http'] as const) : (['http', 'raw'] as const);
  const result: Record<string, { ms: number; cpu: number }> = {};
  for (const path of order) result[path] = path === 'raw' ? await downloadRaw() : await downloadHttp();
  const raw = result.raw as { ms: number; cpu: number };
  const http = result.http as { ms: number; cpu: number };
  const ratio = raw.ms / http.ms;
  ratios.push(ratio);
  console.log(
    `run ${run + 1}: raw ${(mb / (raw.ms / 1000)).toFixed(1)} MB/s (${(mb / (raw.cpu / 1000)).toFixed(1)} MB/CPU-s)` +
      `  http ${(mb / (http.ms / 1000)).toFixed(1)} MB/s (${(mb / (http.cpu / 1000)).toFixed(1)} MB/CPU-s)` +
      `  http/raw ${ratio.toFixed(2)}×`,
  );
}
console.log(`download http/raw median ${median(ratios).toFixed(2)}× (goal ≥ 0.8×)`);

const echo: number[] = [];
const http: number[] = [];
for (let i = 0; i < 10; i++) {
  await echoOnce();
  await httpOnce();
}
for (let i = 0; i < ttfbSamples; i++) {
  if (i % 2 === 0) {
    echo.push(await echoOnce());
    http.push(await httpOnce());
  } else {
    http.push(await httpOnce());
    echo.push(await echoOnce());
  }
}
const e = median(echo);
const h = median(http);
console.log(
  `ttfb: echo median ${e.toFixed(2)} ms (p90 ${p90(echo).toFixed(2)})  http median ${h.toFixed(2)} ms (p90 ${p90(http).toFixed(2)})` +
    `  (response head ${median(heads.slice(20)).toFixed(2)} ms)  goal http ≤ 2×echo + 2 ms = ${(2 * e + 2).toFixed(2)} ms: ${h <= 2 * e + 2 ? 'met' : 'NOT met'}`,
);
console.log(`load ${load0.toFixed(2)} → ${(loadavg()[0] as number).toFixed(2)}`);
clearInterval(watchdog);
client.close();
await Promise.all([page.close(), device.close()]);
process.exit(0);
