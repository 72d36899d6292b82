/**
 * One side of bench:werift-throughput (bench/werift-throughput.ts), run in its own namespace host: a
 * plain werift `RTCPeerConnection` (no lanrtc layer) that sends or receives `total` bytes in
 * `size`-byte messages on one reliable ordered DataChannel. Signalling is one JSON line each way on
 * stdout/stdin. `stock` sets `globalThis.__lanrtcWeriftSpeedFixes = false` before any werift object
 * exists, which makes the patched build take werift 0.24.4's own code path for the throughput fixes
 * (docs/werift-patches.md §13–17); `patched` turns them all on; `fixes:13,14` only those.
 *
 *   tsx werift-throughput-peer.ts send|recv stock|patched|fixes:13,14,… <total bytes> <message bytes>
 *
 * With WERIFT_BENCH_PROFILE=<dir> it writes a CPU profile of the transfer to <dir>/<role>-<mode>.cpuprofile;
 * WERIFT_PEER_MAX_MESSAGE_SIZE=<bytes> announces that `a=max-message-size` (bench:file-transfer-browser).
 * The peer on the other side may be Chromium (bench:file-transfer-browser, paths c2w / w2c).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { type RTCDataChannel, RTCPeerConnection } from 'werift';

const [role, mode = '', totalArg, sizeArg] = process.argv.slice(2);
const only = /^fixes:(\d+(?:,\d+)*)$/.exec(mode);
if ((role !== 'send' && role !== 'recv') || (mode !== 'stock' && mode !== 'patched' && !only)) {
  throw new Error('usage: werift-throughput-peer.ts send|recv stock|patched|fixes:13,14,… <total> <size>');
}
const total = Number(totalArg);
const size = Number(sizeArg);
(globalThis as { __lanrtcWeriftSpeedFixes?: boolean | number[] }).__lanrtcWeriftSpeedFixes = only
  ? (only[1] as string).split(',').map(Number)
  : mode === 'patched';

const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const stdinLines = createInterface({ input: process.stdin });
const nextLine = () =>
  new Promise<Record<string, unknown>>((resolve) => stdinLines.once('line', (l) => resolve(JSON.parse(l))));

/** Datagrams this network namespace's UDP layer dropped for a full receive buffer (/proc/net/snmp is per namespace). */
function udpRcvbufErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const [head, values] = lines.map((l) => l.trim().split(/\s+/));
  return Number(values?.[head?.indexOf('RcvbufErrors') ?? -1] ?? Number.NaN);
}

const profileDir = process.env.WERIFT_BENCH_PROFILE;
const profiler = profileDir ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
}

// bench:file-transfer-browser's c2w / w2c paths talk to Chromium in 256 KiB messages: they set
// the max-message-size lanrtc's Node peers announce (werift's default is 65536).
const maxMessageSize = Number(process.env.WERIFT_PEER_MAX_MESSAGE_SIZE) || undefined;
const pc = new RTCPeerConnection({ iceServers: [], ...(maxMessageSize ? { maxMessageSize } : {}) });
const cpu0 = process.cpuUsage();
const drops0 = udpRcvbufErrors();

async function report(extra: Record<string, unknown>) {
  const cpu = process.cpuUsage(cpu0);
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(`${profileDir}/${role}-${mode}.cpuprofile`, JSON.stringify(profile));
  }
  emit({
    event: 'done',
    role,
    mode,
    cpuMs: (cpu.user + cpu.system) / 1000,
    udpDrops: udpRcvbufErrors() - drops0,
    ...extra,
  });
}

if (role === 'send') {
  const dc = pc.createDataChannel('bulk');
  await pc.setLocalDescription(await pc.createOffer());
  emit({ event: 'sdp', sdp: pc.localDescription?.sdp });
  const answer = await nextLine();
  await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp as string });
  await new Promise<void>((r) => dc.stateChanged.subscribe((s) => s === 'open' && r()));
  await profiler?.post('Profiler.start');
  const sctp = pc.sctpTransport?.sctp as unknown as {
    sendChunk(c: { type: number; sentCount?: number }): Promise<void>;
  };
  let retransmitted = 0;
  const send = sctp.sendChunk.bind(sctp);
  sctp.sendChunk = (c) => {
    if (c.type === 0 && (c.sentCount ?? 0) > 1) retransmitted++;
    return send(c);
  };
  await sendAll(dc);
  // The receiver reports when everything arrived; then the parent ends this process.
  await report({ retransmitted });
  await nextLine();
} else {
  const offer = await nextLine();
  await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp as string });
  await pc.setLocalDescription(await pc.createAnswer());
  emit({ event: 'sdp', sdp: pc.localDescription?.sdp });
  const dc = await new Promise<RTCDataChannel>((r) => pc.onDataChannel.subscribe(r));
  await profiler?.post('Profiler.start');
  let got = 0;
  let t0 = 0;
  await new Promise<void>((resolve) =>
    dc.onMessage.subscribe((m) => {
      if (got === 0) t0 = performance.now();
      got += typeof m === 'string' ? Buffer.byteLength(m) : m.length;
      if (got >= total) resolve();
    }),
  );
  const ms = performance.now() - t0;
  await report({ ms, bytes: got, mbps: got / 1e6 / (ms / 1000) });
}
await pc.close();
process.exit(0);

/** Send `total` bytes in `size`-byte messages, keeping bufferedAmount between 1 and 4 MiB. */
async function sendAll(dc: RTCDataChannel): Promise<void> {
  const HIGH = 4 * 1024 * 1024;
  dc.bufferedAmountLowThreshold = 1024 * 1024;
  const msg = Buffer.alloc(size, 0x5a);
  let sent = 0;
  while (sent < total) {
    if (dc.bufferedAmount > HIGH) {
      await new Promise<void>((r) => dc.bufferedAmountLow.once(() => r()));
      continue;
    }
    const n = Math.min(size, total - sent);
    dc.send(n === size ? msg : msg.subarray(0, n));
    sent += n;
  }
}
