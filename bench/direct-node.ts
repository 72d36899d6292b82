/**
 * bench:direct's Node connector, run by lan-harness inside LAN host B:
 *   direct-node.ts <ip> <relay-url> <device-id> <card-text> <pin> <runs>
 * Pairs with the device once by PIN over the relay, waits for `go` on stdin (the device has stored
 * it), then alternates the two ways to reach the already-paired device, the first kind of each pair
 * switching every run: `connectDirect(card)` (the card's QR text decoded and verified inside the
 * timing) and `agent.connect(deviceId)` over the relay it is already logged into. Per run: ms until
 * the authenticated connection resolved, until an app channel is open, until its first echo is back.
 * JSON lines: ready (id), paired, result (the raw samples).
 */
import { createInterface } from 'node:readline';
import {
  connectDirect,
  createDtlsCertificate,
  createNodeAgent,
  type WeriftSessionPeer,
} from '@lanrtc/node-agent';
import { connectRelay } from '@lanrtc/relay';
import { createIdentity, createMemoryTrustStore, decodeQrPayload } from '@lanrtc/signal-core';

const [ip, relayUrl, deviceId, cardText, pin, runsArg] = process.argv.slice(2);
if (!ip || !relayUrl || !deviceId || !cardText || !pin) {
  throw new Error('usage: direct-node.ts <ip> <relay-url> <device-id> <card-text> <pin> <runs>');
}
const runs = Number(runsArg) || 20;
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const identity = createIdentity();
const certificate = await createDtlsCertificate();
const trust = createMemoryTrustStore();
const peer = { interfaceAddresses: [ip] };
const agent = await createNodeAgent({
  identity,
  certificate,
  trust,
  transport: await connectRelay({ url: relayUrl, identity }),
  peer,
});
emit({ ready: true, id: identity.id });

/** One sample: ms from the start to authenticated, app channel open, first echo back. */
export interface Sample {
  auth: number;
  open: number;
  echo: number;
}

function within<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The app channel (`label`) open, then one message echoed; times relative to `t0`. */
async function openAndEcho(p: WeriftSessionPeer, label: string, t0: number, auth: number): Promise<Sample> {
  const channel = await within(p.channel(label), `${label} open`);
  const open = performance.now() - t0;
  const reply = new Promise<void>((resolve) => {
    const sub = channel.onMessage.subscribe(() => {
      sub.unSubscribe();
      resolve();
    });
  });
  channel.send('ping');
  await within(reply, 'echo');
  return { auth, open, echo: performance.now() - t0 };
}

async function direct(): Promise<Sample> {
  const t0 = performance.now();
  const payload = decodeQrPayload(cardText as string);
  if (payload.kind !== 'card') throw new Error(`expected a card, got ${payload.kind}`);
  const c = await connectDirect(payload.card, { identity, certificate, trust, peer });
  const auth = performance.now() - t0;
  try {
    // The device hands over no channel before in-band auth, so the app opens its own after it.
    c.peer.createDataChannel('bench');
    return await openAndEcho(c.peer, 'bench', t0, auth);
  } finally {
    await c.close();
  }
}

async function relay(): Promise<Sample> {
  const t0 = performance.now();
  const c = await agent.connect(deviceId as string);
  const auth = performance.now() - t0;
  try {
    // The offerer's default `lanrtc` channel was created with the offer; it may be open already.
    return await openAndEcho(c.peer, 'lanrtc', t0, auth);
  } finally {
    await c.close();
  }
}

/** Let the previous run's teardown (both ends) finish before the next timing starts. */
const settle = () => new Promise((r) => setTimeout(r, 150));

await agent.pair(deviceId, { kind: 'pin', pin });
emit({ paired: true });
await new Promise<void>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (l) => {
    if (l.trim() === 'go') {
      lines.close();
      resolve();
    }
  });
});

const samples: { direct: Sample[]; relay: Sample[] } = { direct: [], relay: [] };
// Warm-up (JIT, first werift peer of each kind), not recorded.
await direct();
await settle();
await relay();
await settle();
for (let i = 0; i < runs; i++) {
  const order = i % 2 === 0 ? (['direct', 'relay'] as const) : (['relay', 'direct'] as const);
  for (const kind of order) {
    samples[kind].push(kind === 'direct' ? await direct() : await relay());
    await settle();
  }
}
emit({ result: samples });
await agent.close();
process.exit(0);
