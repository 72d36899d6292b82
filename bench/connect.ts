/**
 * bench:connect — in-process connect time, lanrtc vs raw werift, same run, same namespace.
 *
 *   pnpm bench:connect [--runs N] [--write]     # runs inside scripts/netns-run.mjs (root)
 *
 * Anchor: two plain werift RTCPeerConnections (no lanrtc code; the project's patched werift, which
 * has no STUN fallback) exchanging complete offer/answer directly: createOffer → DataChannel open on
 * both sides. lanrtc "paired": `agent.connect()` over the in-memory signalling switch, signed
 * envelopes, compact codec, trickled candidates, DTLS fingerprint check → channel open on both
 * sides. lanrtc "fresh": the same plus a PIN pairing (CPace) first. Runs alternate between the three
 * kinds so drift hits all of them alike. What you should see: paired ≈ 1× the anchor (signalling is
 * microseconds next to DTLS), fresh pairing adds a few ms.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDtlsCertificate, createNodeAgent, type NodeAgent } from '@lanrtc/node-agent';
import { createIdentity, createMemoryTrustStore } from '@lanrtc/signal-core';
import { createMemoryNetwork } from '@lanrtc/signal-core/testing';
import { RTCPeerConnection } from 'werift';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 20;
const address = process.env.LANRTC_IN_NETNS === '1' ? '10.77.0.1' : '127.0.0.1';

function waitOpen(channel: {
  readyState: string;
  stateChanged: { subscribe(f: (s: string) => void): unknown };
}) {
  return channel.readyState === 'open'
    ? Promise.resolve()
    : new Promise<void>((r) => channel.stateChanged.subscribe((s) => s === 'open' && r()));
}

async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((r) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && r()));
}

async function rawWerift(): Promise<number> {
  const a = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: [] });
  const b = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: [] });
  const remoteOpen = new Promise<void>((r) => b.onDataChannel.subscribe((c) => waitOpen(c).then(r)));
  const t = performance.now();
  const ch = a.createDataChannel('bench');
  await a.setLocalDescription(await a.createOffer());
  await gathered(a);
  await b.setRemoteDescription(a.localDescription as NonNullable<typeof a.localDescription>);
  await b.setLocalDescription(await b.createAnswer());
  await gathered(b);
  await a.setRemoteDescription(b.localDescription as NonNullable<typeof b.localDescription>);
  await Promise.all([waitOpen(ch), remoteOpen]);
  const ms = performance.now() - t;
  await Promise.all([a.close(), b.close()]);
  return ms;
}

async function makeAgents() {
  const net = createMemoryNetwork();
  const make = async () => {
    const identity = createIdentity();
    const certificate = await createDtlsCertificate();
    let next: (c: Awaited<ReturnType<NodeAgent['connect']>>) => void = () => {};
    const agent = await createNodeAgent({
      identity,
      certificate,
      trust: createMemoryTrustStore(),
      transport: net.connect(identity.id),
      peer: { interfaceAddresses: [address] },
    });
    agent.onConnection((c) => next(c));
    return { identity, agent, incoming: () => new Promise<Parameters<typeof next>[0]>((r) => (next = r)) };
  };
  return { a: await make(), b: await make() };
}

async function lanrtc(pairFirst: boolean, pair: Awaited<ReturnType<typeof makeAgents>>): Promise<number> {
  const { a, b } = pair;
  const t = performance.now();
  if (pairFirst) {
    const display = b.agent.showPin();
    const stop = () => display.close();
    await a.agent.enterPin(b.identity.id, display.pin());
    stop();
  }
  const incoming = b.incoming();
  const conn = await a.agent.connect(b.identity.id);
  const back = await incoming;
  await Promise.all([conn.peer.channel('lanrtc'), back.peer.channel('lanrtc')]);
  const ms = performance.now() - t;
  await conn.close();
  await back.close();
  return ms;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
  return { median: q(0.5), p95: q(0.95), min: s[0] as number, max: s.at(-1) as number };
};

async function main(): Promise<void> {
  const raw: number[] = [];
  const paired: number[] = [];
  const fresh: number[] = [];
  const pairedAgents = await makeAgents();
  await lanrtc(true, pairedAgents); // pair once; later runs are "already paired"
  await rawWerift(); // warm-up (JIT, certificate generation)
  for (let i = 0; i < runs; i++) {
    raw.push(await rawWerift());
    paired.push(await lanrtc(false, pairedAgents));
    const freshAgents = await makeAgents();
    fresh.push(await lanrtc(true, freshAgents));
    await freshAgents.a.agent.close();
    await freshAgents.b.agent.close();
  }
  await pairedAgents.a.agent.close();
  await pairedAgents.b.agent.close();

  const anchor = stats(raw);
  const fmt = (n: number) => n.toFixed(1);
  const row = (name: string, xs: number[]) => {
    const s = stats(xs);
    return `| ${name} | ${fmt(s.median)} | ${fmt(s.p95)} | ${fmt(s.min)}–${fmt(s.max)} | ${(s.median / anchor.median).toFixed(2)}× |`;
  };
  const table = [
    `| kind (${runs} runs each, interleaved) | median ms | p95 ms | min–max ms | median vs anchor |`,
    '|---|---|---|---|---|',
    row('raw werift offer/answer (anchor)', raw),
    row('lanrtc, already paired', paired),
    row('lanrtc, fresh PIN pairing + connect', fresh),
  ].join('\n');
  console.log(table);
  if (args.includes('--write')) {
    const file = join(import.meta.dirname, '..', 'BENCHMARKS.md');
    const body = readFileSync(file, 'utf8');
    const section = `## Connect time (bench:connect)\n\nReproduce: \`pnpm bench:connect --write\` (runs in a private network namespace, werift bound to ${address}, one process, 2-core machine). Time from createOffer / \`agent.connect()\` until the DataChannel is open on both sides.\n\n${table}\n`;
    const re = /## Connect time \(bench:connect\)\n[\s\S]*?(?=\n## |$)/;
    writeFileSync(file, re.test(body) ? body.replace(re, section) : `${body.trimEnd()}\n\n${section}`);
  }
}

await main();
