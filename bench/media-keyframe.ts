/**
 * bench:media-keyframe — how long a new viewer of an ffmpeg media source waits for its first
 * keyframe, with the GOP replay (the default) and without it, for a 1 s and a 10 s (`-g 300`)
 * keyframe interval, VP8 and H.264. Each run: a werift viewer subscribes at a random moment of the GOP; measured
 * from `addTo` to its first received keyframe packet (ICE + DTLS included) and from its first
 * received video packet to it. Also ffmpeg's CPU (one core = 100 %). Run inside the namespace.
 */
import { readFileSync } from 'node:fs';
import {
  createDtlsCertificate,
  createMediaSource,
  createNodePeer,
  isH264KeyframeStart,
  isVp8KeyframeStart,
  type MediaSource,
  type VideoCodecName,
} from '@lanrtc/node-agent';
import type { RTCPeerConnection } from 'werift';

const RUNS = Number(process.argv[2]) || 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function gathered(pc: RTCPeerConnection): Promise<void> {
  while (pc.iceGatheringState !== 'complete') await sleep(10);
}

/** One viewer: [ms subscribe → keyframe, ms first packet → keyframe]. */
async function join(source: MediaSource): Promise<[number, number]> {
  const [ca, cb] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
  const videoCodecs = [source.videoCodec];
  const tx = createNodePeer({ certificate: ca, interfaceAddresses: ['127.0.0.1'], videoCodecs });
  const rx = createNodePeer({ certificate: cb, interfaceAddresses: ['127.0.0.1'], videoCodecs });
  const isKeyframe = source.videoCodec === 'h264' ? isH264KeyframeStart : isVp8KeyframeStart;
  const t0 = performance.now();
  const viewer = source.addTo(tx);
  const got = new Promise<[number, number]>((resolve) => {
    let first: number | undefined;
    rx.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        if (track.kind !== 'video') return;
        const now = performance.now();
        first ??= now;
        if (isKeyframe(rtp.payload)) resolve([now - t0, now - first]);
      }),
    );
  });
  await tx.setLocalDescription(await tx.createOffer());
  await gathered(tx);
  await rx.setRemoteDescription(tx.localDescription as NonNullable<typeof tx.localDescription>);
  await rx.setLocalDescription(await rx.createAnswer());
  await gathered(rx);
  await tx.setRemoteDescription(rx.localDescription as NonNullable<typeof rx.localDescription>);
  const r = await Promise.race([got, sleep(15_000).then((): [number, number] => [Number.NaN, Number.NaN])]);
  viewer.close();
  await Promise.all([tx.close(), rx.close()]);
  return r;
}

const cpu = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
};

console.log(
  `| codec | keyframe interval | GOP replay | subscribe → keyframe median / p90 / max (ms) | first packet → keyframe median / max (ms) | ffmpeg CPU |`,
);
console.log('|---|---|---|---|---|---|');
const rows: [VideoCodecName, number, boolean][] = [];
for (const codec of ['vp8', 'h264'] as const) {
  for (const [interval, replay] of [
    [1, true],
    [10, true],
    [1, false],
    [10, false],
  ] as const)
    rows.push([codec, interval, replay]);
}
for (const [codec, interval, replay] of rows) {
  const source = await createMediaSource({
    input: { kind: 'test-pattern' },
    videoCodec: codec,
    keyframeIntervalS: interval,
    replayKeyframe: replay,
    audio: false,
  });
  const pid = source.stats().pid ?? 0;
  await sleep(1_000); // past ffmpeg's slow first second
  const c0 = cpu(pid);
  const t0 = performance.now();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await sleep(Math.random() * interval * 1_000);
    const [x, y] = await join(source);
    a.push(x);
    b.push(y);
  }
  const secs = (performance.now() - t0) / 1_000;
  console.log(
    `| ${codec === 'h264' ? 'H.264' : 'VP8'} | ${interval} s (-g ${interval * 30}) | ${replay ? 'yes' : 'no'} | ${q(a, 0.5).toFixed(0)} / ${q(a, 0.9).toFixed(0)} / ${Math.max(...a).toFixed(0)} | ${q(b, 0.5).toFixed(0)} / ${Math.max(...b).toFixed(0)} | ${((100 * (cpu(pid) - c0)) / secs).toFixed(0)} % |`,
  );
  await source.close();
}

// CPU with 1, 3 and 5 viewers on one source: ffmpeg's (one encoder) and this process's (werift's
// per-viewer copy, SRTP and send), each over 5 s once the viewers are up.
console.log('\n| viewers | ffmpeg CPU | Node process CPU (werift, all viewers) |');
console.log('|---|---|---|');
{
  const source = await createMediaSource({ input: { kind: 'test-pattern' } });
  const pid = source.stats().pid ?? 0;
  const viewers: { close(): Promise<void> }[] = [];
  await sleep(2_000);
  for (const n of [1, 3, 5]) {
    while (viewers.length < n) viewers.push(await watchForever(source));
    await sleep(1_000);
    const [c0, u0, t0] = [cpu(pid), process.cpuUsage(), performance.now()];
    await sleep(5_000);
    const secs = (performance.now() - t0) / 1_000;
    const u = process.cpuUsage(u0);
    console.log(
      `| ${n} | ${((100 * (cpu(pid) - c0)) / secs).toFixed(0)} % | ${((u.user + u.system) / 1e4 / secs).toFixed(0)} % |`,
    );
  }
  for (const v of viewers) await v.close();
  await source.close();
}

/** A viewer that stays connected until closed. */
async function watchForever(source: MediaSource): Promise<{ close(): Promise<void> }> {
  const [ca, cb] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
  const tx = createNodePeer({ certificate: ca, interfaceAddresses: ['127.0.0.1'] });
  const rx = createNodePeer({ certificate: cb, interfaceAddresses: ['127.0.0.1'] });
  const viewer = source.addTo(tx);
  await tx.setLocalDescription(await tx.createOffer());
  await gathered(tx);
  await rx.setRemoteDescription(tx.localDescription as NonNullable<typeof tx.localDescription>);
  await rx.setLocalDescription(await rx.createAnswer());
  await gathered(rx);
  await tx.setRemoteDescription(rx.localDescription as NonNullable<typeof rx.localDescription>);
  return {
    async close() {
      viewer.close();
      await Promise.all([tx.close(), rx.close()]);
    },
  };
}
