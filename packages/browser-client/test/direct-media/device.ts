/**
 * TEST-ONLY Node device for the direct-media e2e, run by lan-harness inside LAN host A:
 *   device.ts <ip>
 * A `createDirectListener` (werift, ICE-lite) with a QR pairing open. stdin commands, each for every
 * connection it has: `video` adds a VP8 track and renegotiates — ffmpeg's generated test pattern
 * (640×480, 30 fps, a keyframe every 30 frames) as RTP on loopback, written into a werift track (werift's
 * own dummy VP8 frames are not decodable pictures);
 * `forge` sends a description frame signed by a stranger and one of an unknown frame version on the
 * auth channel. JSON lines on stdout: ready, connection, rtp (incoming packets per kind, at 1 and
 * every 50th), renegotiated (the `renegotiate()` call's start and end, `Date.now()`), renegotiationError,
 * ended.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { createDirectListener, createDtlsCertificate, type NodeConnection } from '@lanrtc/node-agent';
import { createIdentity, createMemoryTrustStore } from '@lanrtc/signal-core';
import { encodeRenegotiationFrame, sealEnvelope } from '@lanrtc/signal-core/protocol';
import { MediaStreamTrack, type RTCDataChannel } from 'werift';

const [ip] = process.argv.slice(2);
if (!ip) throw new Error('usage: device.ts <ip>');
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const identity = createIdentity();
const connections = new Set<NodeConnection>();
const camera = new MediaStreamTrack({ kind: 'video' });
const rtp = createSocket('udp4');
rtp.on('message', (packet) => camera.writeRtp(packet));
await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
const ffmpeg = spawn(
  'ffmpeg',
  [
    ...['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=30'],
    ...['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M', '-g', '30'],
    ...['-f', 'rtp', `rtp://127.0.0.1:${rtp.address().port}?pkt_size=1200`],
  ],
  { stdio: 'ignore' },
);
const listener = await createDirectListener({
  identity,
  certificate: await createDtlsCertificate(),
  trust: createMemoryTrustStore(),
  name: 'media device',
  addresses: [ip],
  port: 0,
});
listener.onConnection((c) => {
  connections.add(c);
  emit({ connection: c.remote.id });
  c.onRenegotiationError?.((error) => emit({ renegotiationError: error.name, message: error.message }));
  c.peer.pc.onTrack.subscribe((track) => {
    let packets = 0;
    track.onReceiveRtp.subscribe(() => {
      packets += 1;
      if (packets === 1 || packets % 50 === 0) emit({ rtp: track.kind, packets });
    });
  });
  void c.ended.then((reason) => {
    connections.delete(c);
    emit({ ended: c.remote.id, reason });
  });
});
const pairing = listener.openQrPairing();
emit({ ready: true, id: identity.id, pairingText: pairing.text });

/** The auth channel of a werift connection (negotiated id 1000). */
const authChannel = (c: NodeConnection) =>
  (c.peer.pc as unknown as { sctpTransport: { dataChannels: Record<number, RTCDataChannel> } }).sctpTransport
    .dataChannels[1000];

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'video') {
    void (async () => {
      for (const c of connections) {
        const start = Date.now();
        c.peer.pc.addTrack(camera);
        await c.renegotiate().then(
          () => emit({ renegotiated: 'video', start, end: Date.now() }),
          (error: Error) => emit({ renegotiateFailed: error.name, message: error.message }),
        );
      }
    })();
  } else if (line === 'forge') {
    for (const c of connections) {
      const forged = sealEnvelope(createIdentity(), {
        type: 'offer',
        recipient: c.remote.id,
        session: new Uint8Array(16),
        counter: 1,
        payload: new TextEncoder().encode('v=0'),
      });
      authChannel(c)?.send(Buffer.from(encodeRenegotiationFrame(forged)));
      authChannel(c)?.send(Buffer.from([2, 6, 0]));
    }
    emit({ forged: connections.size });
  }
});
process.on('SIGTERM', () => {
  ffmpeg.kill('SIGTERM');
  rtp.close();
  void listener.close().then(() => process.exit(0));
});
