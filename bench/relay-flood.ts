/**
 * bench:relay-flood — what a flood from one LAN address does to a relay with the default limits, on
 * a three-host namespace LAN (host A: the relay, B: the flooder, C: a legitimate user; the scripts
 * are test/relay/fixtures/).
 *
 *   pnpm --filter @lanrtc/bench relay-flood [--sockets 10000] [--spread 3000]
 *
 * 1. Sockets: C logs in, joins and relays one message with no flood (the baseline); then B opens
 *    `sockets` WebSockets over `spread` ms and never logs in, and C does it again half-way through
 *    the flood and once every flood socket has an outcome.
 * 2. Bare connections: on a fresh relay, B opens `sockets` TCP connections and sends nothing; C
 *    logs in meanwhile; how many B still holds once all are up and 6 s later.
 * 3. Rooms: on a fresh relay, B logs in 63 identities that join 16 rooms each; then C.
 * Prints one JSON line per measurement (C's outcome, reason, time to first login, total time; what B
 * held and was refused; the relay's counters). Bounded: fixed counts, one flood per relay.
 */
import { fileURLToPath } from 'node:url';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { childLines } from '../test/kit/child-lines.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const sockets = opt('--sockets', 10_000);
const spread = opt('--spread', 3_000);
const fixture = (name: string) => fileURLToPath(new URL(`../test/relay/fixtures/${name}`, import.meta.url));

type Host = Lan['hosts'][number];
const waitFor = (child: ReturnType<Host['node']>) => {
  const out = childLines(child);
  return (event: string, ms = 120_000) => out.next((l) => l.event === event, { ms, what: event });
};

async function relayOn(a: Host) {
  const proc = a.node(fixture('relay.ts'), [a.ip, '{}']);
  const next = waitFor(proc);
  const { port } = await next('ready');
  const stats = async () => {
    proc.stdin?.write('\n');
    return (await next('stats')).stats as Record<string, unknown>;
  };
  return { url: `ws://${a.ip}:${port}/`, stats, kill: () => proc.kill('SIGTERM') };
}

async function legit(c: Host, url: string, room: string) {
  return waitFor(c.node(fixture('legit.ts'), [url, room]))('result', 60_000);
}

const lan = await createLan({ hosts: 3 });
try {
  const [a, b, c] = lan.hosts as [Host, Host, Host];
  {
    const relay = await relayOn(a);
    console.log(JSON.stringify({ phase: 'legit, no flood', ...(await legit(c, relay.url, 'porch')) }));
    const flood = waitFor(b.node(fixture('flood.ts'), [relay.url, String(sockets), String(spread)]));
    await new Promise((r) => setTimeout(r, spread / 2));
    console.log(JSON.stringify({ phase: 'legit mid-flood', ...(await legit(c, relay.url, 'kitchen')) }));
    console.log(JSON.stringify({ phase: 'flood', ...(await flood('flooded')) }));
    console.log(JSON.stringify({ phase: 'legit after flood', ...(await legit(c, relay.url, 'hall')) }));
    console.log(JSON.stringify({ phase: 'relay stats (sockets)', ...(await relay.stats()) }));
    relay.kill();
  }
  {
    const relay = await relayOn(a);
    const port = new URL(relay.url).port;
    const tcp = waitFor(
      b.node(fixture('tcp-flood.ts'), [a.ip, port, String(sockets), String(spread), '6000']),
    );
    console.log(JSON.stringify({ phase: 'tcp flood', ...(await tcp('tcp-flooded')) }));
    console.log(
      JSON.stringify({ phase: 'legit during tcp flood', ...(await legit(c, relay.url, 'kitchen')) }),
    );
    console.log(JSON.stringify({ phase: 'tcp flood 6 s later', ...(await tcp('tcp-later')) }));
    console.log(JSON.stringify({ phase: 'relay stats (tcp)', ...(await relay.stats()) }));
    relay.kill();
  }
  {
    const relay = await relayOn(a);
    const hog = waitFor(b.node(fixture('room-flood.ts'), [relay.url, '63', '16']));
    console.log(JSON.stringify({ phase: 'room hog', ...(await hog('hogged')) }));
    console.log(JSON.stringify({ phase: 'legit after room hog', ...(await legit(c, relay.url, 'kitchen')) }));
    console.log(JSON.stringify({ phase: 'relay stats (rooms)', ...(await relay.stats()) }));
    relay.kill();
  }
} finally {
  await lan.close();
}
