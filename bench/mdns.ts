/**
 * bench:mdns — announce → discovered latency and packets per announcement cycle, lanrtc's
 * mdns-announcer vs avahi, same run, same namespace LAN (lan-harness, one bridge, no uplink).
 *
 *   pnpm bench:mdns [--runs N] [--cycles N] [--write]   # runs inside scripts/netns-run.mjs (root)
 *
 * Hosts: `oursa` announces and `oursb` browses (each a Node child running
 * packages/mdns-announcer/test/lan/fixtures/peer.ts); `avahip` runs avahi-daemon + `avahi-publish`,
 * `avahib` avahi-daemon + a running `avahi-browse -rp` (docs/PLATFORM.md "avahi inside a namespace");
 * `counter` only listens on 224.0.0.251:5353 and counts what each source sends.
 *
 * Latency, ours: from just before `announce()` in the announcer to the `up` event in the browser
 * process (both read the machine's clock). Latency, avahi: from just before spawning `ip netns exec
 * … avahi-publish` to receiving the resolved `=` line of the running `avahi-browse`; that includes
 * process start-up and the browse pipe, so the spawn cost is measured and printed too. Runs alternate
 * between the two so drift hits both alike. Each run publishes a fresh instance name and withdraws
 * it (goodbye) before the next.
 *
 * Packets: with no browser running, everything the publisher's address sends from the start of a
 * cycle for 6 s (probes + announcements; both RFC 6762 §8), then the goodbye (§10.1) separately.
 * Bytes are UDP payload (DNS message) bytes; add 28 per packet for IPv4+UDP headers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLan, type LanHost } from '@lanrtc/lan-harness';
import { Lines, startAvahi, startPeer } from '../packages/mdns-announcer/test/lan/support.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || dflt : dflt;
};
const runs = opt('--runs', 20);
const cycles = opt('--cycles', 5);
const write = args.includes('--write');
const CYCLE_WINDOW_MS = 6000;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i] as number;
}
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Packets and bytes `ip` sent since the last report. */
async function report(counter: Lines, ip: string): Promise<{ packets: number; bytes: number }> {
  const from = counter.lines.length;
  counter.send('report');
  const r = await counter.waitFor((l) => l.event === 'report', 5000, 'report', from);
  const counts = r.counts as Record<string, { packets: number; bytes: number }>;
  return counts[ip] ?? { packets: 0, bytes: 0 };
}

const lan = await createLan({
  hosts: [
    { label: 'oursa' },
    { label: 'oursb' },
    { label: 'avahip' },
    { label: 'avahib' },
    { label: 'counter' },
  ],
  name: 'bmdns',
});
const dirs: Array<() => void> = [];
try {
  const oursA = lan.host('oursa');
  const oursB = lan.host('oursb');
  const avP = lan.host('avahip');
  const avB = lan.host('avahib');
  const counter = startPeer(lan.host('counter'), 'count');
  await counter.waitFor((l) => l.event === 'counting', 10_000, 'counter');
  const announcer = startPeer(oursA, 'announce', {
    idle: true,
    name: 'unused',
    deviceTypes: ['doorbell'],
    port: 40000,
  });
  const [ap, ab] = await Promise.all([startAvahi(avP, 'avahip'), startAvahi(avB, 'avahib')]);
  dirs.push(ap.dispose, ab.dispose);
  await sleep(3000); // let the daemons finish announcing their own host names

  // Same TXT size and doorbell subtype for avahi as for ours (5 strings: v, id, n, t, c); avahi-publish takes text.
  let txt: string[] = [];
  const publish = (host: LanHost, name: string) =>
    host.spawn(
      'avahi-publish',
      ['-s', '--subtype=_doorbell._sub._lanrtc._udp', name, '_lanrtc._udp', '40000', ...txt],
      {
        env: ap.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  const stopPublish = (pid: number | undefined) => {
    if (pid !== undefined) process.kill(-pid, 'SIGTERM'); // avahi-publish withdraws (goodbye) on SIGTERM
  };

  // --- Packets per announcement cycle (nobody browsing) ---
  const oursCycle: Array<{ packets: number; bytes: number }> = [];
  const oursBye: Array<{ packets: number; bytes: number }> = [];
  const avahiCycle: Array<{ packets: number; bytes: number }> = [];
  const avahiBye: Array<{ packets: number; bytes: number }> = [];
  let cardBytes = 0;
  for (let i = 0; i < cycles; i++) {
    await report(counter, oursA.ip);
    const from = announcer.lines.length;
    const started = now();
    announcer.send(`announce Cycle-${i}`);
    const a = await announcer.waitFor((l) => l.event === 'announced', 10_000, 'announced', from);
    if (i === 0) {
      const card = Buffer.from(String(a.card), 'base64');
      cardBytes = card.length;
      txt = ['v=1', `id=${String(a.id)}`, `n=Cycle-${i}`, 't=doorbell', `c=${'x'.repeat(card.length)}`];
    }
    await sleep(started + CYCLE_WINDOW_MS - now());
    oursCycle.push(await report(counter, oursA.ip));
    announcer.send('close');
    await announcer.waitFor((l) => l.event === 'closed', 5000, 'closed', from);
    await sleep(1500);
    oursBye.push(await report(counter, oursA.ip));

    await report(counter, avP.ip);
    const t0 = now();
    const p = publish(avP, `Cycle-${i}`);
    await sleep(t0 + CYCLE_WINDOW_MS - now());
    avahiCycle.push(await report(counter, avP.ip));
    stopPublish(p.pid);
    await sleep(1500);
    avahiBye.push(await report(counter, avP.ip));
  }

  // --- Latency: announce → discovered in a running browser ---
  const browser = startPeer(oursB, 'browse', {});
  await browser.waitFor((l) => l.event === 'browsing', 10_000, 'browsing');
  const avBrowse = new Lines(
    avB.spawn('stdbuf', ['-oL', 'avahi-browse', '-rp', '_lanrtc._udp'], { env: ab.env }),
  );
  await sleep(1500);
  const ours: number[] = [];
  const avahi: number[] = [];
  for (let i = 0; i < runs; i++) {
    const name = `Run-${i}`;
    const from = announcer.lines.length;
    announcer.send(`announce ${name}`);
    const a = await announcer.waitFor((l) => l.event === 'announced', 10_000, 'announced', from);
    const up = await browser.waitFor((l) => l.event === 'up' && l.instance === name, 10_000, `${name} up`);
    ours.push(Number(up.t) - Number(a.started));
    announcer.send('close');
    await browser.waitFor((l) => l.event === 'down' && l.instance === name, 10_000, `${name} down`);

    const aname = `Avahi-${i}`;
    const t0 = now();
    const p = publish(avP, aname);
    const seen = await avBrowse.waitFor(
      (l) => typeof l.line === 'string' && l.line.startsWith(`=;eth0;IPv4;${aname};`),
      10_000,
      `${aname} resolved`,
    );
    avahi.push(Number(seen.t) - t0);
    stopPublish(p.pid);
    await avBrowse.waitFor(
      (l) => typeof l.line === 'string' && l.line.startsWith(`-;eth0;IPv4;${aname};`),
      10_000,
      `${aname} removed`,
    );
    await sleep(200);
  }
  // What starting a process in a host costs (part of every avahi sample above).
  const spawnCost: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = now();
    await avP.exec('true');
    spawnCost.push(now() - t0);
  }

  const f = (x: number) => x.toFixed(0);
  const pk = (xs: Array<{ packets: number; bytes: number }>) =>
    `${mean(xs.map((x) => x.packets)).toFixed(1)} / ${f(mean(xs.map((x) => x.bytes)))} B`;
  const date = new Date().toISOString().slice(0, 10);
  const table = [
    `| publisher → running browser | runs | median | p95 | min | max | packets / bytes per cycle (${CYCLE_WINDOW_MS / 1000} s window) | goodbye packets / bytes |`,
    '|---|---|---|---|---|---|---|---|',
    `| lanrtc announce → browse (up event) | ${ours.length} | ${f(median(ours))} ms | ${f(quantile(ours, 0.95))} ms | ${f(Math.min(...ours))} ms | ${f(Math.max(...ours))} ms | ${pk(oursCycle)} | ${pk(oursBye)} |`,
    `| avahi-publish → avahi-browse -rp (resolved) | ${avahi.length} | ${f(median(avahi))} ms | ${f(quantile(avahi, 0.95))} ms | ${f(Math.min(...avahi))} ms | ${f(Math.max(...avahi))} ms | ${pk(avahiCycle)} | ${pk(avahiBye)} |`,
  ].join('\n');
  const ratio = median(ours) / median(avahi);
  const notes = [
    `Measured ${date}, ${cycles} packet cycles and ${runs} latency runs per side, card ${cardBytes} B (avahi TXT padded to the same size).`,
    `Ratio of medians lanrtc / avahi: **${ratio.toFixed(2)}** (p95 ratio ${(quantile(ours, 0.95) / quantile(avahi, 0.95)).toFixed(2)}); goal ≤ 1.`,
    `Spawning a process in a host (\`ip netns exec … true\`), included in every avahi sample: median ${median(spawnCost).toFixed(1)} ms.`,
    `Per-cycle packets: ours ${oursCycle.map((x) => x.packets).join(', ')}; avahi ${avahiCycle.map((x) => x.packets).join(', ')}.`,
  ];
  console.log(table);
  for (const n of notes) console.log(`- ${n}`);
  console.log(`ours ms: ${ours.map(f).join(' ')}`);
  console.log(`avahi ms: ${avahi.map(f).join(' ')}`);

  if (write) {
    const file = join(import.meta.dirname, '..', 'BENCHMARKS.md');
    const md = readFileSync(file, 'utf8');
    const heading = '## mDNS discovery (bench:mdns)';
    const start = md.indexOf(heading);
    const end = start < 0 ? -1 : md.indexOf('\n## ', start + heading.length);
    const marker = '<!-- bench:mdns notes -->';
    const old = start < 0 ? '' : md.slice(start, end < 0 ? md.length : end + 1);
    const kept = old.includes(marker) ? old.slice(old.indexOf(marker)).trimEnd() : marker;
    const section = `${heading}

Reproduce: \`pnpm bench:mdns\` (\`--runs N\`, \`--cycles N\`; \`--write\` refreshes this table). Five hosts of a lan-harness LAN inside \`scripts/netns-run.mjs\`: lanrtc announcer and browser (Node children), avahi 0.8 publisher and browser (each avahi-daemon with a private D-Bus), and a passive counter on 224.0.0.251:5353. Both publishers probe per RFC 6762 §8.1 (0–250 ms wait, three probes 250 ms apart) before announcing, so ~0.75–1 s is the floor for either. Method in the header of \`bench/mdns.ts\`.

${table}

${notes.map((n) => `- ${n}`).join('\n')}

${kept}
`;
    const out =
      start < 0
        ? `${md.trimEnd()}\n\n${section}`
        : md.slice(0, start) + section + (end < 0 ? '' : md.slice(end + 1));
    writeFileSync(file, out);
    console.log('BENCHMARKS.md updated');
  }
} finally {
  await lan.close();
  for (const d of dirs) d();
}
