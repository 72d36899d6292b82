/**
 * bench:doorbell's anchor (run by bench/doorbell.ts in a LAN host): a hand-made werift → Chromium
 * stream with none of lanrtc's signalling — one HTTP server serving a minimal page (inline JS) and
 * taking its offer SDP by POST; the answer is a werift peer (`createNodePeer`) fed by a media source
 * with the doorbell's own settings (`createMediaSource`, test pattern, VP8 + Opus). No identity, no
 * pairing, no authentication, no data channel. Usage: `doorbell-anchor.ts <address>`; prints
 * `{"port":N}` once serving.
 */
import { createServer } from 'node:http';
import { createDtlsCertificate, createMediaSource, createNodePeer } from '@lanrtc/node-agent';
import type { RTCPeerConnection } from 'werift';

const [address] = process.argv.slice(2);
if (!address) throw new Error('usage: doorbell-anchor.ts <address>');

// The page: recv-only video + audio, the offer sent at once (the answerer's candidates are enough on
// one LAN: Chromium's checks reach werift as peer-reflexive), the first presented frame timed by
// requestVideoFrameCallback against navigation start, like the doorbell viewer's.
const PAGE = `<!doctype html><meta charset="utf-8"><title>anchor</title>
<video id="v" autoplay muted playsinline></video>
<script type="module">
const marks = [];
const mark = (n) => marks.push([n, performance.now()]);
globalThis.anchor = { marks, firstFrameAt: undefined };
const v = document.getElementById('v');
v.requestVideoFrameCallback(() => { globalThis.anchor.firstFrameAt = performance.now(); });
const pc = new RTCPeerConnection();
globalThis.anchor.pc = pc;
pc.addTransceiver('video', { direction: 'recvonly' });
pc.addTransceiver('audio', { direction: 'recvonly' });
const stream = new MediaStream();
pc.ontrack = (e) => {
  stream.addTrack(e.track);
  if (v.srcObject !== stream) v.srcObject = stream;
  v.play().catch(() => {});
};
await pc.setLocalDescription();
mark('offer-sent');
const res = await fetch('/offer', { method: 'POST', body: pc.localDescription.sdp });
mark('answer-received');
await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
</script>`;

const source = await createMediaSource({ input: { kind: 'test-pattern' } });
const certificate = await createDtlsCertificate();
const peers = new Set<RTCPeerConnection>();

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(PAGE);
    return;
  }
  if (req.method !== 'POST' || req.url !== '/offer') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d: string) => (body += d));
  req.on('end', () => {
    answer(body).then(
      (sdp) => res.writeHead(200, { 'content-type': 'application/sdp' }).end(sdp),
      (error: Error) => res.writeHead(400).end(error.message),
    );
  });
});

async function answer(offer: string): Promise<string> {
  // One viewer at a time: the previous page is gone once a new offer comes.
  for (const old of peers) void old.close();
  peers.clear();
  const pc = createNodePeer({ certificate, interfaceAddresses: [address as string] });
  peers.add(pc);
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  source.addTo(pc);
  await pc.setLocalDescription(await pc.createAnswer());
  while (pc.iceGatheringState !== 'complete') await new Promise((r) => setTimeout(r, 5));
  return pc.localDescription?.sdp ?? '';
}

server.listen(0, address, () => {
  const a = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof a === 'object' ? a?.port : 0 })}\n`);
});
process.on('SIGTERM', () => {
  for (const pc of peers) void pc.close();
  void source.close().finally(() => process.exit(0));
});
