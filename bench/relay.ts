/**
 * bench:relay — the lanrtc relay next to a bare `ws` forwarder, same run, same namespace.
 *
 *   pnpm bench:relay [--clients 1000,5000] [--seconds 5] [--window 4] [--rounds 3] [--write]
 *
 * The server under test runs in this process on 127.0.0.1; the load generator is a child process
 * (bounded: a fixed client count and a time cap per phase). Its clients log in (lanrtc: Ed25519
 * challenge–response; bare: none), pair up, and each pair keeps `window` frames of 256 bytes in
 * flight in each direction (ping-pong) for `seconds`. Measured: forwarded frames/s, one-way latency
 * p50/p99 (sender and receiver share the child's clock), and the server's RSS and heap growth per idle
 * logged-in client. The bare forwarder does the least a forwarder can: the client names its id in the
 * URL, a frame is `to16 ‖ payload`, and it sends `from16 ‖ payload` to the socket registered for `to`.
 * What you should see: lanrtc ≥ 0.8× the bare forwarder's throughput at both sizes.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connectRelay, createRelay } from '@lanrtc/relay';
import { createIdentity } from '@lanrtc/signal-core';
import {
  decodeRelayFrame,
  encodeRelayFrame,
  identityIdBytes,
  signRelayChallenge,
} from '@lanrtc/signal-core/protocol';
import { WebSocket, WebSocketServer } from 'ws';

type Kind = 'lanrtc' | 'bare';
interface Job {
  kind: Kind;
  url: string;
  clients: number;
  seconds: number;
  window: number;
}
interface Result {
  received: number;
  seconds: number;
  latencies: number[];
  errors: number;
}

const PAYLOAD = 256;
const PHASE_CAP_MS = 180_000;

// ---------------------------------------------------------------- load generator (child process)

/**
 * One load-generator client. Both kinds build each outgoing frame by stamping a per-peer template and
 * read the timestamp at a fixed offset of incoming frames, so the generator costs the same for both
 * servers and the comparison measures the servers. (The first frame of every lanrtc client is decoded
 * with the real codec, and `main` first runs the real client end to end.)
 */
async function openClient(
  job: Job,
  onFrame: (bytes: Uint8Array, at: number) => void,
): Promise<{
  id: Uint8Array;
  template(to: Uint8Array): Uint8Array;
  offset: number;
  send(frame: Uint8Array): void;
  close(): void;
}> {
  if (job.kind === 'bare') {
    const id = randomBytes(16);
    const ws = new WebSocket(`${job.url}${id.toString('hex')}`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('message', (data: Buffer) => onFrame(data, 16));
    return {
      id,
      template: (to) => Buffer.concat([to, new Uint8Array(PAYLOAD)]),
      offset: 16,
      send: (frame) => ws.send(frame),
      close: () => ws.close(),
    };
  }
  const identity = createIdentity();
  const endpoint = new URL(job.url).host;
  const ws = new WebSocket(job.url, { perMessageDeflate: false });
  const id = identityIdBytes(identity.publicKey);
  const offset = encodeRelayFrame({ type: 'send', to: id, bytes: new Uint8Array(PAYLOAD) }).length - PAYLOAD;
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    const onLogin = (data: Buffer) => {
      const frame = decodeRelayFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (frame.type === 'hello') {
        const signature = signRelayChallenge(identity, frame.challenge, endpoint);
        ws.send(encodeRelayFrame({ type: 'auth', publicKey: identity.publicKey, signature }));
      } else if (frame.type === 'welcome') {
        ws.off('message', onLogin);
        ws.once('message', (first: Buffer) => {
          const f = decodeRelayFrame(new Uint8Array(first.buffer, first.byteOffset, first.byteLength));
          if (f.type !== 'deliver' || f.bytes.length !== PAYLOAD) throw new Error('bench: bad deliver frame');
          onFrame(first, offset);
          ws.on('message', (data: Buffer) => onFrame(data, offset));
        });
        resolve();
      } else reject(new Error(frame.type === 'error' ? frame.code : frame.type));
    };
    ws.on('message', onLogin);
  });
  return {
    id,
    template: (to) => encodeRelayFrame({ type: 'send', to, bytes: new Uint8Array(PAYLOAD) }),
    offset,
    send: (frame) => ws.send(frame),
    close: () => ws.close(),
  };
}

async function child(): Promise<void> {
  const job = await new Promise<Job>((r) => process.once('message', (m) => r(m as Job)));
  let running = false;
  let received = 0;
  let errors = 0;
  const latencies: number[] = [];
  const clients: Awaited<ReturnType<typeof openClient>>[] = [];
  const templates: Uint8Array[] = [];
  const send = (i: number) => {
    const c = clients[i];
    const t = templates[i];
    if (!c || !t) return;
    const frame = new Uint8Array(t); // a copy: the template is shared by every frame of this client
    new DataView(frame.buffer, frame.byteOffset + c.offset, 8).setFloat64(0, performance.now());
    c.send(frame);
  };
  for (let i = 0; i < job.clients; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, job.clients - i) }, (_, k) => {
        const me = i + k;
        return openClient(job, (bytes, at) => {
          if (!running) return;
          received++;
          const sent = new DataView(bytes.buffer, bytes.byteOffset + at, 8).getFloat64(0);
          // Bounded: at most 2M samples (16 MB), enough for a 5 s phase.
          if (latencies.length < 2_000_000) latencies.push(performance.now() - sent);
          send(me);
        }).catch(() => {
          errors++;
          return undefined;
        });
      }),
    );
    for (const c of batch) if (c) clients.push(c);
  }
  // Pairs (0,1), (2,3), …: each client's template is addressed to its partner.
  for (let i = 0; i < clients.length; i++) {
    const peer = clients[i % 2 === 0 ? i + 1 : i - 1];
    const c = clients[i];
    if (peer && c) templates[i] = c.template(peer.id);
  }
  process.send?.({ ready: clients.length, errors });
  await new Promise((r) => process.once('message', r));
  running = true;
  const start = performance.now();
  for (let w = 0; w < job.window; w++) for (let i = 0; i < clients.length; i++) send(i);
  await new Promise((r) => setTimeout(r, job.seconds * 1000));
  running = false;
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  // A bounded, evenly spaced sample: percentiles survive, the IPC message stays small.
  const step = Math.max(1, Math.floor(latencies.length / 50_000));
  const sample = latencies.filter((_, i) => i % step === 0);
  const result: Result = { received, seconds, latencies: sample, errors };
  process.send?.(result);
  await new Promise((r) => process.once('message', r));
  for (const c of clients) c.close();
  await new Promise((r) => setTimeout(r, 200));
  process.exit(0);
}

// ---------------------------------------------------------------- servers (this process)

function bareForwarder(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 70_000 });
  const byId = new Map<string, WebSocket>();
  wss.on('connection', (ws, req) => {
    const hex = (req.url ?? '/').slice(1);
    const id = Buffer.from(hex, 'hex');
    byId.set(hex, ws);
    ws.on('message', (data: Buffer) => {
      if (data.length < 16) return;
      const target = byId.get(data.toString('hex', 0, 16));
      if (!target) return;
      const out = Buffer.from(data);
      id.copy(out, 0);
      target.send(out);
    });
    ws.on('close', () => byId.delete(hex));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: async () => {
          for (const ws of wss.clients) ws.terminate();
          await new Promise((r) => wss.close(r));
          await new Promise((r) => server.close(r));
        },
      }),
    ),
  );
}

function gcMemory(): { rss: number; heap: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

function next<T>(proc: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench phase over its time cap')), PHASE_CAP_MS);
    proc.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as T);
    });
    proc.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited ${code}`)));
  });
}

interface Row {
  kind: Kind;
  clients: number;
  fps: number;
  p50: number;
  p99: number;
  rssPerClient: number;
  heapPerClient: number;
  errors: number;
  rateLimited: number;
  /** Server CPU time (user + system) per delivered frame, in µs. */
  cpuUsPerFrame: number;
}

async function phase(kind: Kind, clients: number, seconds: number, window: number): Promise<Row> {
  const relay =
    kind === 'lanrtc'
      ? // Every client of the load generator comes from one address: lift the per-address shares.
        await createRelay({
          limits: {
            maxConnections: clients + 10,
            maxPendingPerAddress: clients + 10,
            maxLoginsPerAddress: clients + 10,
          },
        })
      : undefined;
  const bare = kind === 'bare' ? await bareForwarder() : undefined;
  const url = relay?.address.url ?? (bare?.url as string);
  const before = gcMemory();
  const proc = fork(import.meta.filename, ['--child'], { stdio: 'inherit' });
  try {
    proc.send({ kind, url, clients, seconds, window } satisfies Job);
    const ready = await next<{ ready: number; errors: number }>(proc);
    const idle = gcMemory();
    const cpu0 = process.cpuUsage();
    proc.send('go');
    const r = await next<Result>(proc);
    const cpu = process.cpuUsage(cpu0);
    proc.send('close');
    const q = (p: number) =>
      r.latencies[Math.min(r.latencies.length - 1, Math.floor(p * r.latencies.length))] ?? 0;
    return {
      kind,
      clients: ready.ready,
      fps: r.received / r.seconds,
      p50: q(0.5),
      p99: q(0.99),
      rssPerClient: (idle.rss - before.rss) / ready.ready,
      heapPerClient: (idle.heap - before.heap) / ready.ready,
      errors: ready.errors + r.errors,
      cpuUsPerFrame: (cpu.user + cpu.system) / Math.max(1, r.received),
      rateLimited: relay?.stats.errors['rate-limited'] ?? 0,
    };
  } finally {
    await new Promise((r) => (proc.exitCode === null ? proc.once('exit', r) : r(undefined)));
    await relay?.close({ reason: 'bench done' });
    await bare?.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, fallback: string) =>
    args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback;
  const sizes = opt('--clients', '1000,5000').split(',').map(Number);
  const seconds = Number(opt('--seconds', '5'));
  const window = Number(opt('--window', '4'));
  const rounds = Number(opt('--rounds', '3'));
  const kinds = opt('--kinds', 'bare,lanrtc').split(',');
  // Sanity: the relay works end to end through the real client before anything is measured.
  {
    const relay = await createRelay();
    const [a, b] = await Promise.all(
      [0, 1].map(() => connectRelay({ url: relay.address.url, identity: createIdentity() })),
    );
    await a?.send(b?.localId as string, new Uint8Array([1]));
    for await (const _ of b?.messages ?? []) break;
    await relay.close();
  }
  const rows: (Row & { size: number })[] = [];
  for (const n of sizes)
    for (let round = 0; round < rounds; round++) {
      // Alternate the order so warm-up, drift and neighbours' load hit both servers alike.
      for (const kind of (round % 2 === 0
        ? (['bare', 'lanrtc'] as const)
        : (['lanrtc', 'bare'] as const)
      ).filter((k) => kinds.includes(k))) {
        const row = { ...(await phase(kind, n, seconds, window)), size: n };
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2
      ? (s[(s.length - 1) / 2] as number)
      : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
  };
  const f = (x: number, d = 0) => x.toFixed(d);
  const lines = [
    `| clients | server | frames/s (median of ${rounds}) | vs bare | server CPU µs/frame | vs bare | p50 ms | p99 ms | RSS/idle client | heap/idle client | errors | rate-limited |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const n of sizes) {
    const of = (kind: Kind) => rows.filter((r) => r.size === n && r.kind === kind);
    const bareFps = median(of('bare').map((r) => r.fps));
    const bareCpu = median(of('bare').map((r) => r.cpuUsPerFrame));
    for (const kind of ['bare', 'lanrtc'] as const) {
      const rs = of(kind);
      if (rs.length === 0) continue;
      const m = (k: 'fps' | 'p50' | 'p99' | 'rssPerClient' | 'heapPerClient' | 'cpuUsPerFrame') =>
        median(rs.map((r) => r[k]));
      const sum = (k: 'errors' | 'rateLimited') => rs.reduce((t, r) => t + r[k], 0);
      lines.push(
        `| ${n} | ${kind === 'bare' ? 'bare ws forwarder' : 'lanrtc relay'} | ${f(m('fps'))} | ${f(m('fps') / bareFps, 2)}× | ${f(m('cpuUsPerFrame'), 1)} | ${f(bareCpu / m('cpuUsPerFrame'), 2)}× | ${f(m('p50'), 1)} | ${f(m('p99'), 1)} | ${f(m('rssPerClient') / 1024, 1)} KiB | ${f(m('heapPerClient') / 1024, 1)} KiB | ${sum('errors')} | ${sum('rateLimited')} |`,
      );
    }
  }
  const verdicts = sizes.map((n) => {
    const of = (kind: Kind) => rows.filter((r) => r.size === n && r.kind === kind);
    const ratio = median(of('lanrtc').map((r) => r.fps)) / median(of('bare').map((r) => r.fps));
    const cpu =
      median(of('bare').map((r) => r.cpuUsPerFrame)) / median(of('lanrtc').map((r) => r.cpuUsPerFrame));
    return `${n} clients: throughput ${f(ratio, 2)}×, CPU efficiency ${f(cpu, 2)}× (${ratio >= 0.8 ? 'meets' : 'misses'} the ≥ 0.8× goal)`;
  });
  lines.push(
    '',
    `lanrtc relay vs bare forwarder — ${verdicts.join('; ')}.`,
    '',
    'Reading it: frames/s is closed-loop (each pair keeps its window full), so on a shared 2-core machine it moves with whatever else runs; server CPU µs per delivered frame (user + system, from `process.cpuUsage()` in the server process) is the steadier comparison. Latency is mostly queueing: thousands of frames are in flight by design. RSS per idle client is near the noise floor of RSS (it is not returned to the OS after GC; negative values happen); the JS heap column is stable. The lanrtc relay spends its extra heap on per-connection login, rate-limit and room state; its extra CPU on the header check, the token bucket and the id lookup — it never parses the payload.',
  );
  const table = lines.join('\n');
  console.log(table);
  if (args.includes('--write')) {
    const file = join(import.meta.dirname, '..', 'BENCHMARKS.md');
    const body = readFileSync(file, 'utf8');
    const section = `## Relay (bench:relay)\n\nReproduce: \`pnpm bench:relay --write\` (private network namespace, 127.0.0.1, ${sizes.join(' and ')} clients, ${rounds} interleaved rounds of ${seconds} s per server, ${window} frames of ${PAYLOAD} B in flight per direction per pair, load generator in a child process, 2-core machine, default relay limits). Frames/s counts frames delivered to clients; latency is one-way, sender to receiver, both in the generator's clock; memory is the server process's growth per idle logged-in client after GC. Goal: lanrtc ≥ 0.8× the bare forwarder.\n\n${table}\n`;
    const re = /## Relay \(bench:relay\)\n[\s\S]*?(?=\n## |$)/;
    writeFileSync(file, re.test(body) ? body.replace(re, section) : `${body.trimEnd()}\n\n${section}`);
  }
}

if (process.argv.includes('--child')) await child();
else await main();
