/**
 * bench:browser-relay — browser↔Node connect time over the real relay, lanrtc vs a plain offer/answer,
 * same run, same virtual LAN (lan-harness: relay + Node device on host A, Chromium on host B).
 *
 *   node scripts/netns-run.mjs tsx --conditions=source bench/browser-relay.ts [--runs N]   # root
 *
 * lanrtc "paired": the page's `agent.connect(deviceId)` (already paired; signed envelopes over the
 * relay, trickled candidates, DTLS fingerprint check) → `lanrtc` channel → first echo back. Anchor:
 * a bare RTCPeerConnection sending its complete offer SDP as text over a second relay login to a
 * werift peer configured like the agent's (createNodePeer), no envelopes or checks → channel open →
 * first echo back; sent at once (the fair anchor: lanrtc trickles) and, for reference, after
 * Chromium's ICE gathering completes (classic non-trickle). Runs alternate between the two so drift hits both alike.
 */
import { call, setup } from '../packages/browser-client/test/relay-e2e/harness.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 15;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
  return { median: q(0.5), p90: q(0.9), min: s[0], max: s[s.length - 1] };
};

const env = await setup('bench');
try {
  const { ready } = env;
  const anchorId = ready.anchorId as string;
  const page = await env.openPage();
  const started = await call(page, 'start');
  if (!started.ok) throw new Error(`start: ${started.error}`);
  const paired = await call(page, 'enterPin', ready.id, ready.pin);
  if (!paired.ok) throw new Error(`pair: ${paired.error}`);
  // The device stores the page after its last pairing message; connecting before that is refused.
  await env.device.next((l) => l.paired === started.value.id);
  // One warm-up of each (first RTCPeerConnection, first werift peer, JIT).
  for (const warm of [
    await call(page, 'connectEcho', ready.id, 'warm'),
    await call(page, 'anchorEcho', anchorId, 'warm', true),
    await call(page, 'anchorEcho', anchorId, 'warm', false),
  ]) {
    if (!warm.ok) throw new Error(`warm-up: ${JSON.stringify(warm)}`);
  }
  const lanrtc: number[] = [];
  const plain: number[] = [];
  const plainComplete: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = await call(page, 'connectEcho', ready.id, `run ${i}`);
    if (!a.ok) throw new Error(`lanrtc run ${i}: ${a.error}`);
    lanrtc.push(a.value.ms);
    const b = await call(page, 'anchorEcho', anchorId, `run ${i}`, false);
    if (!b.ok) throw new Error(`anchor run ${i}: ${JSON.stringify(b)}`);
    plain.push(b.value.ms);
    const c = await call(page, 'anchorEcho', anchorId, `run ${i}`, true);
    if (!c.ok) throw new Error(`anchor (complete) run ${i}: ${JSON.stringify(c)}`);
    plainComplete.push(c.value.ms);
  }
  const l = stats(lanrtc);
  const p = stats(plain);
  console.log(
    JSON.stringify({
      runs,
      lanrtcPairedMs: l,
      plainOfferAnswerMs: p,
      plainCompleteGatheringMs: stats(plainComplete),
      ratioMedian: +(l.median / p.median).toFixed(2),
    }),
  );
} finally {
  await env.teardown();
}
