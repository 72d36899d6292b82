/**
 * One side of bench:file-transfer (bench/file-transfer.ts), run in its own namespace host: it sends
 * a file from disk or receives one to disk (written, fsync'd, closed) over one of the paths the
 * bench compares. Control is JSON lines: events on stdout, the other side's details on stdin.
 *
 *   tsx file-transfer-peer.ts send <path> <file> <receiver ip> <own ip>   (reads <file>)
 *   tsx file-transfer-peer.ts recv <path> <file> <receiver ip> <own ip>   (writes <file>, or into that directory for lanrtc-*)
 *
 * Paths: `tcp` (node:net), `tls` (node:tls, TLS 1.3, each side pins the other's certificate),
 * `dc` / `dc-stock` (a plain werift DataChannel, the werift patch's throughput fixes on / off),
 * `lanrtc-tls` / `lanrtc-dc` (node-agent `sendFiles` / `receiveFiles` on one lane only, over a
 * direct connection paired with a one-time QR secret).
 * Every process ends with a `done` line: its times (ms since the epoch, one clock for both
 * processes), CPU time and peak resident set size (VmHWM). With FILE_BENCH_PROFILE=<dir> each
 * process writes a CPU profile of its transfer to <dir>/<role>-<path>.cpuprofile.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createServer as createTlsServer, type TLSSocket, connect as tlsConnect } from 'node:tls';

const [role, path = '', file = '', ip = '', ownIp = ''] = process.argv.slice(2);
const PATHS = ['tcp', 'tls', 'dc', 'dc-stock', 'lanrtc-tls', 'lanrtc-dc'];
if ((role !== 'send' && role !== 'recv') || !PATHS.includes(path) || !file || !ip || !ownIp) {
  throw new Error(`usage: file-transfer-peer.ts send|recv ${PATHS.join('|')} <file> <receiver ip> <own ip>`);
}
// Read before any werift object exists (docs/werift-patches.md, the throughput fixes' switch).
(globalThis as { __lanrtcWeriftSpeedFixes?: boolean }).__lanrtcWeriftSpeedFixes = path !== 'dc-stock';

const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const stdinLines = createInterface({ input: process.stdin });
const pendingLines: Record<string, unknown>[] = [];
const lineWaiters: ((l: Record<string, unknown>) => void)[] = [];
stdinLines.on('line', (l) => {
  const parsed = JSON.parse(l) as Record<string, unknown>;
  const w = lineWaiters.shift();
  if (w) w(parsed);
  else pendingLines.push(parsed);
});
/** The next JSON line the bench writes to this process's stdin. */
const nextLine = () =>
  new Promise<Record<string, unknown>>((resolve) => {
    const l = pendingLines.shift();
    if (l) resolve(l);
    else lineWaiters.push(resolve);
  });
/** Wall clock in ms since the epoch at sub-ms resolution; both processes read the same clock. */
const now = () => performance.timeOrigin + performance.now();

const GC_KINDS: Record<number, string> = {
  [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'markCompact',
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
};

/** A /proc/self/status field in KiB (VmHWM: peak resident set size; VmRSS: now). */
function statusKib(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}
const profileDir = process.env.FILE_BENCH_PROFILE;
const profiler = profileDir ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
}
/** CPU ms per thread kind (main, libuv pool, V8 helpers, …) from /proc: user and system, 10 ms ticks. */
function threadCpuMs(): Map<string, { user: number; sys: number }> {
  const out = new Map<string, { user: number; sys: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    const close = stat.lastIndexOf(')');
    const name = tid === String(process.pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const entry = out.get(name) ?? { user: 0, sys: 0 };
    entry.user += Number(fields[11]) * 10;
    entry.sys += Number(fields[12]) * 10;
    out.set(name, entry);
  }
  return out;
}
let threads0 = threadCpuMs();
let rssStartKib = statusKib('VmRSS');
let cpu0 = process.cpuUsage();
// Garbage collection during the transfer: pauses per kind (scavenge, mark-compact, …), in ms.
let gcCounting = false;
const gcMs: Record<string, number> = {};
new PerformanceObserver((list) => {
  if (!gcCounting) return;
  for (const entry of list.getEntries()) {
    const kind = GC_KINDS[(entry as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
    gcMs[kind] = (gcMs[kind] ?? 0) + entry.duration;
  }
}).observe({ entryTypes: ['gc'] });
/** The transfer starts now: CPU time counts from here, not the module loading and connecting before it. */
const transferStarts = () => {
  rssStartKib = statusKib('VmRSS');
  threads0 = threadCpuMs();
  cpu0 = process.cpuUsage();
  gcCounting = true;
  void profiler?.post('Profiler.start');
};
async function done(extra: Record<string, unknown>): Promise<void> {
  const cpu = process.cpuUsage(cpu0);
  const threads: Record<string, string> = {};
  for (const [name, t] of threadCpuMs()) {
    const before = threads0.get(name) ?? { user: 0, sys: 0 };
    const user = t.user - before.user;
    const sys = t.sys - before.sys;
    if (user + sys > 0) threads[name] = `${user}u+${sys}s`;
  }
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(`${profileDir}/${role}-${path}.cpuprofile`, JSON.stringify(profile));
  }
  emit({
    event: 'done',
    role,
    path,
    cpuMs: (cpu.user + cpu.system) / 1000,
    threads,
    hwmKib: statusKib('VmHWM'),
    rssStartKib,
    gcMs: Object.fromEntries(Object.entries(gcMs).map(([k, v]) => [k, Math.round(v)])),
    ...extra,
  });
}

/** Receiving end of a byte stream: write every piece to `file`, then fsync and close. */
async function receiveStream(socket: Socket | TLSSocket): Promise<void> {
  transferStarts();
  const fd = openSync(file, 'w');
  let tFirst = 0;
  let bytes = 0;
  socket.on('data', (d: Buffer) => {
    if (bytes === 0) tFirst = now();
    bytes += d.length;
  });
  await pipeline(socket, createWriteStream('', { fd, autoClose: false, highWaterMark: 1 << 20 }));
  fsyncSync(fd);
  closeSync(fd);
  await done({ tFirst, tDone: now(), bytes });
}

/** SHA-256 of a DER certificate, hex. */
const derFingerprint = (raw: Buffer) => createHash('sha256').update(raw).digest('hex');

if (path === 'tcp' || path === 'tls') await streamCopy(path);
else if (path === 'dc' || path === 'dc-stock') await dataChannelCopy();
else await lanrtcCopy(path === 'lanrtc-tls' ? 'tls' : 'datachannel');
process.exit(0);

/** Plain TCP or TLS 1.3: the receiver listens, the sender connects and pipes the file into the socket. */
async function streamCopy(kind: 'tcp' | 'tls'): Promise<void> {
  // Both sides present a certificate and accept only the other's (by SHA-256 of its DER), as the
  // transfer's TLS lane does; werift's DTLS certificate type is what lanrtc would present.
  const agent = kind === 'tls' ? await import('@lanrtc/node-agent') : undefined;
  const cert = await agent?.createDtlsCertificate();
  const mine = agent && cert ? Buffer.from(agent.certificateFingerprint(cert)).toString('hex') : '';
  emit({ event: 'hello', fingerprint: mine });
  const peer = await nextLine();
  const theirs = String(peer.fingerprint ?? '');
  const tls = cert
    ? ({ key: cert.keyPem, cert: cert.certPem, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } as const)
    : undefined;
  if (role === 'recv') {
    const accepted = new Promise<Socket | TLSSocket>((resolve, reject) => {
      const server = tls
        ? createTlsServer({ ...tls, requestCert: true, rejectUnauthorized: false }, (s) => {
            if (derFingerprint(s.getPeerCertificate().raw) !== theirs) {
              s.destroy();
              reject(new Error('sender certificate is not the pinned one'));
            } else resolve(s);
            server.close();
          })
        : createServer((s) => {
            resolve(s);
            server.close();
          });
      server.listen(0, ip, () => {
        const addr = server.address();
        emit({ event: 'listening', port: typeof addr === 'object' && addr ? addr.port : 0 });
      });
    });
    await receiveStream(await accepted);
    return;
  }
  const { port } = (await nextLine()) as { port: number };
  transferStarts();
  const tStart = now();
  const socket = await new Promise<Socket | TLSSocket>((resolve, reject) => {
    if (tls) {
      const s = tlsConnect({ ...tls, host: ip, port, rejectUnauthorized: false }, () => {
        if (derFingerprint(s.getPeerCertificate().raw) !== theirs) {
          s.destroy();
          reject(new Error('receiver certificate is not the pinned one'));
        } else resolve(s);
      });
      s.once('error', reject);
    } else {
      const s = netConnect({ host: ip, port }, () => resolve(s));
      s.once('error', reject);
    }
  });
  const cipher = 'getCipher' in socket ? (socket as TLSSocket).getCipher().standardName : undefined;
  const protocol = 'getProtocol' in socket ? (socket as TLSSocket).getProtocol() : undefined;
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), socket);
  await done({ tStart, cipher, protocol });
  await nextLine(); // the receiver has it all; the bench ends this process
}

/** A plain werift DataChannel (no lanrtc layer): 64 KiB messages, bufferedAmount kept between 1 and 4 MiB. */
async function dataChannelCopy(): Promise<void> {
  const { RTCPeerConnection } = await import('werift');
  const { statSync } = await import('node:fs');
  const pc = new RTCPeerConnection({ iceServers: [] });
  if (role === 'send') {
    const dc = pc.createDataChannel('bulk');
    await pc.setLocalDescription(await pc.createOffer());
    emit({ event: 'sdp', sdp: pc.localDescription?.sdp });
    const answer = await nextLine();
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp as string });
    await new Promise<void>((r) => dc.stateChanged.subscribe((s) => s === 'open' && r()));
    transferStarts();
    const tStart = now();
    const MESSAGE = 65_536;
    const HIGH = 4 * 1024 * 1024;
    dc.bufferedAmountLowThreshold = 1024 * 1024;
    // The receiver needs the size to know when it has everything.
    dc.send(JSON.stringify({ size: statSync(file).size }));
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      for (let at = 0; at < chunk.length; at += MESSAGE) {
        if (dc.bufferedAmount > HIGH) await new Promise<void>((r) => dc.bufferedAmountLow.once(() => r()));
        dc.send(chunk.subarray(at, at + MESSAGE));
      }
    }
    await done({ tStart });
    await nextLine();
  } else {
    const offer = await nextLine();
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp as string });
    await pc.setLocalDescription(await pc.createAnswer());
    emit({ event: 'sdp', sdp: pc.localDescription?.sdp });
    const dc = await new Promise<import('werift').RTCDataChannel>((r) => pc.onDataChannel.subscribe(r));
    transferStarts();
    const fd = openSync(file, 'w');
    const out = createWriteStream('', { fd, autoClose: false, highWaterMark: 1 << 20 });
    let size = -1;
    let bytes = 0;
    let tFirst = 0;
    await new Promise<void>((resolve, reject) => {
      dc.onMessage.subscribe((m) => {
        if (typeof m === 'string') {
          size = (JSON.parse(m) as { size: number }).size;
          tFirst = now();
        } else {
          bytes += m.length;
          out.write(m);
        }
        if (size >= 0 && bytes >= size) out.end(resolve);
      });
      out.once('error', reject);
    });
    fsyncSync(fd);
    closeSync(fd);
    await done({ tFirst, tDone: now(), bytes });
  }
  await pc.close();
}

/** lanrtc's `sendFiles` / `receiveFiles` on one lane, over a direct connection paired by QR secret. */
async function lanrtcCopy(lane: 'tls' | 'datachannel'): Promise<void> {
  const { createDirectListener, connectDirect, createDtlsCertificate, receiveFiles, sendFiles } =
    await import('@lanrtc/node-agent');
  const { createIdentity, createMemoryTrustStore, decodeQrPayload } = await import('@lanrtc/signal-core');
  const identity = createIdentity();
  const certificate = await createDtlsCertificate();
  const trust = createMemoryTrustStore();
  if (role === 'recv') {
    const listener = await createDirectListener({
      identity,
      certificate,
      trust,
      name: 'bench receiver',
      addresses: [ip],
      port: 0,
    });
    const connection = new Promise<import('@lanrtc/node-agent').NodeConnection>((resolve) =>
      listener.onConnection(resolve),
    );
    emit({ event: 'pairing', text: listener.openQrPairing().text });
    const c = await connection;
    transferStarts();
    let tFirst = 0;
    const transfer = receiveFiles(c, {
      dir: file,
      certificate,
      decide: () => true,
      lanes: [lane],
      tlsAddresses: [ip],
    });
    transfer.onProgress((p) => {
      if (tFirst === 0 && p.doneBytes > 0) tFirst = now();
    });
    const result = await transfer.done;
    await done({ tFirst, tDone: now(), bytes: result.movedBytes, lane: result.lane });
    await nextLine();
    await c.close();
    await listener.close();
    return;
  }
  const { text } = (await nextLine()) as { text: string };
  const payload = decodeQrPayload(text);
  if (payload.kind !== 'pairing-card') throw new Error(`expected a pairing card, got ${payload.kind}`);
  const c = await connectDirect(payload.card, {
    identity,
    certificate,
    trust,
    peer: { interfaceAddresses: [ownIp] },
    pairing: { kind: 'secret', secret: payload.secret },
  });
  transferStarts();
  const tStart = now();
  const result = await sendFiles(c, [file], { certificate, lanes: [lane] }).done;
  await done({ tStart, lane: result.lane, bytes: result.movedBytes });
  await nextLine();
  await c.close();
}
