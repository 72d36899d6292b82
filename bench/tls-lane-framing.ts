/**
 * What the TLS transfer lane's framing costs: 1 GiB in 1 MiB frames over `connectTlsLane` /
 * `listenTlsLane` against the same bytes over raw `node:tls` sockets with the same TLS 1.3 settings
 * and certificates, both ends in this one process, on loopback, alternating rounds.
 *
 *   tsx --conditions=source bench/tls-lane-framing.ts [--rounds 3] [--mib 1024] [--only raw|lane]
 *
 * MB/s = bytes / (receiver's last byte − sender's first write); MB/CPU-s = bytes / this process's CPU
 * time over the same span (both ends run here, so it is the cost of moving a byte through both, and
 * less sensitive than MB/s to other load on a shared machine).
 */
import { once } from 'node:events';
import { connect, createServer } from 'node:tls';
import {
  certificateFingerprint,
  connectTlsLane,
  createDtlsCertificate,
  type DtlsCertificate,
  listenTlsLane,
} from '@lanrtc/node-agent';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const rounds = opt('--rounds', 3);
const total = opt('--mib', 1024) * 1024 * 1024;
const FRAME = 1024 * 1024;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const payload = new Uint8Array(FRAME).fill(0x5a);

const tlsOptions = (c: DtlsCertificate) =>
  ({ cert: c.certPem, key: c.keyPem, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' }) as const;

async function rawTls(server: DtlsCertificate, client: DtlsCertificate): Promise<number> {
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  let end = 0;
  const tls = createServer({ ...tlsOptions(server), requestCert: true, rejectUnauthorized: false }, (s) => {
    s.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= total) {
        end = performance.now();
        done();
      }
    });
  });
  tls.listen(0, '127.0.0.1');
  await once(tls, 'listening');
  const { port } = tls.address() as { port: number };
  const socket = connect({ ...tlsOptions(client), host: '127.0.0.1', port, rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  socket.setNoDelay(true);
  const start = performance.now();
  for (let sent = 0; sent < total; sent += FRAME) {
    if (!socket.write(payload)) await once(socket, 'drain');
  }
  await finished;
  socket.destroy();
  tls.close();
  return total / 1e6 / ((end - start) / 1000);
}

async function lane(server: DtlsCertificate, client: DtlsCertificate): Promise<number> {
  const listener = await listenTlsLane({
    certificate: server,
    remoteFingerprint: certificateFingerprint(client),
    addresses: ['127.0.0.1'],
  });
  const sender = await connectTlsLane({
    certificate: client,
    remoteFingerprint: certificateFingerprint(server),
    endpoints: listener.endpoints,
    token: listener.token,
  });
  const receiver = await listener.accepted;
  let received = 0;
  let end = 0;
  const finished = new Promise<void>((resolve) => {
    receiver.onFrame((frame) => {
      received += frame.length;
      if (received >= total) {
        end = performance.now();
        resolve();
      }
    });
  });
  const start = performance.now();
  for (let sent = 0; sent < total; sent += FRAME) await sender.write(payload);
  await finished;
  sender.close();
  receiver.close();
  return total / 1e6 / ((end - start) / 1000);
}

const [a, b] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
const results: Record<string, number[]> = { 'raw node:tls': [], 'TLS lane': [] };
const perCpu: Record<string, number[]> = { 'raw node:tls': [], 'TLS lane': [] };
for (let round = 0; round < rounds; round++) {
  const order =
    round % 2 === 0 ? (['raw node:tls', 'TLS lane'] as const) : (['TLS lane', 'raw node:tls'] as const);
  for (const kind of order) {
    if (only && !kind.toLowerCase().includes(only)) continue;
    const cpuBefore = process.cpuUsage();
    const mbps = kind === 'raw node:tls' ? await rawTls(a, b) : await lane(a, b);
    const cpu = process.cpuUsage(cpuBefore);
    const mbPerCpu = total / 1e6 / ((cpu.user + cpu.system) / 1e6);
    results[kind]?.push(mbps);
    perCpu[kind]?.push(mbPerCpu);
    console.log(`round ${round + 1} ${kind}: ${mbps.toFixed(0)} MB/s, ${mbPerCpu.toFixed(0)} MB/CPU-s`);
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
for (const [kind, xs] of Object.entries(results)) {
  if (xs.length === 0) continue;
  console.log(
    `${kind}: median ${median(xs).toFixed(0)} MB/s, ${median(perCpu[kind] ?? []).toFixed(0)} MB/CPU-s over ${xs.length} rounds of ${total / 2 ** 20} MiB`,
  );
}
