/**
 * TEST-ONLY device for the relay e2e, run by lan-harness inside LAN host A:
 *   device.ts <ip> <static-dir> <lockout|default|bench> [relay-url] [--setup-video] [--http]
 * With [relay-url] it logs into that (external, restartable) relay with `reconnect` on and reports
 * `relayState` lines, instead of starting its own.
 * Starts the real relay (createRelay) on <ip>, serving <static-dir> over plain http on the same
 * origin, logs a Node agent into it with the real relay client, and shows a PIN. The relay's
 * `intercept` test hook can play a malicious relay: `tamper <none|fingerprint|signature|replay>` on
 * stdin picks what it does to frames the device sends to a browser. Writes `device.json` ({ id })
 * into <static-dir> so the page learns whom to call. Reports JSON lines on stdout: ready, paired,
 * pairingFailed, connection, message, sessionError, tamper, video.
 * `video <peer-id>` on stdin adds a synthetic VP8 track (see `vp8Camera`) to the live
 * connection with that peer: the agent renegotiates on `negotiationneeded` over the same session.
 * With `--setup-video` the agent's `setup` hook adds such a track to every peer connection it
 * answers, before the page's offer is applied (the answer cannot carry it, so the device offers it
 * right after its hand-over); the camera stops when that connection ends.
 * With `--http` every connection is served HTTP (`exposeHttp`, service `web`) by a small handler
 * (`HTTP_FILES`, with single `Range` requests answered 206), the peer granted only `/api` and `/img`.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  certificateFingerprint,
  createDtlsCertificate,
  createNodeAgent,
  createNodePeer,
  exposeHttp,
} from '@lanrtc/node-agent';
import { connectRelay, createRelay, type InterceptedFrame } from '@lanrtc/relay';
import type { Connection, PeerContext } from '@lanrtc/signal-core';
import { createIdentity, createMemoryTrustStore, DEFAULT_CHANNEL_LABEL, setGrant } from '@lanrtc/signal-core';
import { toHex } from '@lanrtc/signal-core/codec';
import { type HttpHandler, httpGrantScope } from '@lanrtc/signal-core/http';

const args = process.argv.slice(2);
const setupVideo = args.includes('--setup-video');
const serveHttp = args.includes('--http');
const [ip, staticDir, policyKind, externalRelay] = args.filter((a) => !a.startsWith('--'));
if (!ip || !staticDir) throw new Error('usage: device.ts <ip> <static-dir> <lockout|default|bench>');
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const identity = createIdentity();
const certificate = await createDtlsCertificate();
const fingerprint = certificateFingerprint(certificate);
writeFileSync(join(staticDir, 'device.json'), JSON.stringify({ id: identity.id }));

type Tamper = 'none' | 'fingerprint' | 'signature' | 'replay';
let tamper: Tamper = 'none';
/** The first frame the device sent to each browser, kept to replay later. */
const firstSent = new Map<string, Uint8Array>();

/** Index of `needle` in `hay`, or -1. */
function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The malicious relay, on frames from the device only. Flipping one bit of the DTLS fingerprint in
 * the signed answer changes what the signature covers. Dropping the signature cuts the envelope's last 64 bytes (an
 * Ed25519 signature, docs/PROTOCOL.md §"Envelope"). Replay sends an envelope seen earlier.
 */
function intercept(frame: InterceptedFrame): readonly Uint8Array[] {
  if (frame.from !== identity.id || tamper === 'none') {
    if (frame.from === identity.id && !firstSent.has(frame.to)) firstSent.set(frame.to, frame.bytes.slice());
    return [frame.bytes];
  }
  if (tamper === 'fingerprint') {
    // The compact SDP codec carries the fingerprint as its 32 raw bytes.
    const at = indexOf(frame.bytes, fingerprint);
    if (at < 0) return [frame.bytes]; // not the answer (a candidate): pass it
    const out = frame.bytes.slice();
    out[at + 7] = (out[at + 7] as number) ^ 0x01;
    emit({ tamper: 'fingerprint', to: frame.to });
    return [out];
  }
  if (tamper === 'signature') {
    emit({ tamper: 'signature', to: frame.to });
    return [frame.bytes.slice(0, frame.bytes.length - 64)];
  }
  // replay: instead of what the device sends now, deliver the first envelope it ever sent this peer.
  const old = firstSent.get(frame.to);
  emit({ tamper: 'replay', to: frame.to, have: old !== undefined });
  return old ? [old] : [];
}

/** Live connections by peer id (the last one wins), for `video`. */
const connections = new Map<string, Connection<import('@lanrtc/node-agent').WeriftSessionPeer>>();

/**
 * A synthetic VP8 camera: every 66 ms one RTP packet carrying a complete 1×1 VP8 key frame (the
 * bitstream of the well-known 1×1 lossy WebP) behind a one-byte VP8 payload descriptor (RFC 7741
 * §4.2, S=1). werift's own dummy media sends 11-byte key-frame headers Chromium cannot decode.
 * werift is resolved through node-agent: browser-client has no werift dependency.
 */
const VP8_KEY_FRAME = Uint8Array.from(
  Buffer.from('MAEAnQEqAQABAAMANCWkAANwAP77lAAA', 'base64'), // 30 01 00 9d 01 2a 01 00 01 00 …
);
interface Werift {
  MediaStreamTrack: new (props: { kind: 'video' }) => { writeRtp(packet: unknown): void; stop(): void };
  RtpPacket: new (header: unknown, payload: Buffer) => unknown;
  RtpHeader: new (props: object) => unknown;
}
const werift = (): Werift =>
  createRequire(import.meta.resolve('@lanrtc/node-agent')).call(null, 'werift') as Werift;
const cameras: (() => void)[] = [];

function vp8Camera(): { track: unknown; stop(): void } {
  const w = werift();
  const track = new w.MediaStreamTrack({ kind: 'video' });
  const payload = Buffer.concat([Buffer.from([0x10]), VP8_KEY_FRAME]);
  let sequenceNumber = 1;
  let timestamp = 0;
  const timer = setInterval(() => {
    const header = new w.RtpHeader({
      payloadType: 96,
      sequenceNumber,
      timestamp,
      ssrc: 0x1a2b3c4d,
      marker: true,
    });
    track.writeRtp(new w.RtpPacket(header, payload));
    sequenceNumber = (sequenceNumber + 1) & 0xffff;
    timestamp = (timestamp + 6000) >>> 0;
  }, 66);
  return {
    track,
    stop: () => {
      clearInterval(timer);
      track.stop();
    },
  };
}

async function addVideo(peerId: string): Promise<void> {
  const c = connections.get(peerId);
  if (!c) {
    emit({ video: 'no-connection', peerId });
    return;
  }
  const camera = vp8Camera();
  cameras.push(camera.stop);
  c.peer.pc.addTrack(camera.track as Parameters<typeof c.peer.pc.addTrack>[0]);
  emit({ video: 'added', peerId, session: c.session });
}

/** What `--http` serves: a JSON document, a 1×1 PNG, and an ungranted path. */
const HTTP_FILES: Record<string, { type: string; bytes: Uint8Array }> = {
  '/api/x.json': {
    type: 'application/json',
    bytes: new TextEncoder().encode('{"device":"relay-e2e","n":42}'),
  },
  '/img/dot.png': {
    type: 'image/png',
    bytes: Uint8Array.from(
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
        'base64',
      ),
    ),
  },
  '/private/secret.txt': { type: 'text/plain', bytes: new TextEncoder().encode('not for the page') },
};
const httpHandler: HttpHandler = async (req) => {
  const file = HTTP_FILES[req.path];
  if (!file) return { status: 404, headers: [], body: null };
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.find(([name]) => name === 'range')?.[1] ?? '');
  if (range) {
    // A single closed byte range (RFC 9110 §14.1.2), the only form the test sends.
    const [from, to] = [Number(range[1]), Math.min(Number(range[2]), file.bytes.length - 1)];
    return {
      status: 206,
      headers: [
        ['content-type', file.type],
        ['content-range', `bytes ${from}-${to}/${file.bytes.length}`],
      ],
      body: once(file.bytes.slice(from, to + 1)),
    };
  }
  return { status: 200, headers: [['content-type', file.type]], body: once(file.bytes) };
};
async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

const relay = externalRelay ? undefined : await createRelay({ host: ip, port: 0, staticDir, intercept });
const relayUrl = externalRelay ?? relay?.address.url ?? '';
const transport = await connectRelay({
  url: relayUrl,
  identity,
  ...(externalRelay ? { reconnect: { initialMs: 100, maxMs: 500 } } : {}),
});
if (externalRelay) {
  // The state at subscription first (`open`), then every change.
  emit({ relayState: transport.state });
  transport.onStateChange((s) => emit({ relayState: s }));
  transport.onError((e) => emit({ relayError: e.reason }));
}
const trust = createMemoryTrustStore();
/** Cameras added by `setup`, by peer connection, stopped when its connection ends. */
const setupCameras = new WeakMap<object, () => void>();
const agent = await createNodeAgent({
  ...(setupVideo
    ? {
        setup: (peer: import('@lanrtc/node-agent').WeriftSessionPeer, context: PeerContext) => {
          if (context.role === 'offerer') peer.createDataChannel(DEFAULT_CHANNEL_LABEL);
          const camera = vp8Camera();
          cameras.push(camera.stop);
          setupCameras.set(peer, camera.stop);
          peer.pc.addTrack(camera.track as Parameters<typeof peer.pc.addTrack>[0]);
        },
      }
    : {}),
  identity,
  certificate,
  transport,
  trust,
  peer: { interfaceAddresses: [ip] },
  timeoutMs: 8_000,
});
agent.onSessionError((e, remoteId) => emit({ sessionError: e.name, remoteId }));
agent.onConnection((c) => {
  connections.set(c.remote.id, c);
  if (serveHttp) {
    // exposeHttp at once, so no channel the page opens is missed; it reads the grant per request,
    // and the memory store has it long before a request crosses the LAN.
    void setGrant(trust, c.remote.id, { scope: httpGrantScope('web'), actions: ['/api', '/img'] });
    exposeHttp(c, { handler: httpHandler, trust });
  }
  const stopCamera = setupCameras.get(c.peer);
  if (stopCamera) void c.ended.then(stopCamera);
  emit({ connection: c.remote.id, remoteFingerprint: toHex(c.remoteFingerprint), session: c.session });
  void c.peer.channel('lanrtc').then((ch) =>
    ch.onMessage.subscribe((m) => {
      emit({ message: m.toString(), from: c.remote.id });
      ch.send(`echo:${m.toString()}`);
    }),
  );
});
const display = agent.showPin(policyKind === 'lockout' ? { maxFailures: 3, lockoutMs: 2_000 } : {});

display.onPaired((r) => emit({ paired: r.peer.id }));
display.onFailure((e) => emit({ pairingFailed: e.name }));

/**
 * `bench` only: the anchor of bench/browser-relay.ts — a second relay login answering a plain,
 * unauthenticated offer (SDP text, complete candidates) with a werift peer configured as the agent's
 * (createNodePeer), echoing on its DataChannel. No envelopes, no signatures, no fingerprint check.
 */
let anchorId: string | undefined;
if (policyKind === 'bench') {
  const anchorIdentity = createIdentity();
  anchorId = anchorIdentity.id;
  const anchor = await connectRelay({ url: relayUrl, identity: anchorIdentity });
  void (async () => {
    for await (const frame of anchor.messages) {
      const pc = createNodePeer({ certificate, interfaceAddresses: [ip] });
      pc.onDataChannel.subscribe((ch) => ch.onMessage.subscribe((m) => ch.send(`echo:${m.toString()}`)));
      await pc.setRemoteDescription({ type: 'offer', sdp: new TextDecoder().decode(frame.bytes) });
      await pc.setLocalDescription(await pc.createAnswer());
      if (pc.iceGatheringState !== 'complete') {
        await new Promise<void>((r) =>
          pc.iceGatheringStateChange.subscribe((st) => st === 'complete' && r()),
        );
      }
      await anchor.send(frame.from, new TextEncoder().encode(pc.localDescription?.sdp ?? ''));
      setTimeout(() => void pc.close(), 5_000);
    }
  })();
}

emit({
  ready: true,
  id: identity.id,
  pin: display.pin(),
  fingerprint: toHex(fingerprint),
  url: relayUrl,
  anchorId,
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, arg] = line.trim().split(' ');
  if (command === 'tamper') {
    tamper = (arg ?? 'none') as Tamper;
    emit({ tamperSet: tamper });
  } else if (command === 'pin') emit({ pin: display.pin() });
  else if (command === 'video' && arg)
    void addVideo(arg).catch((e) => emit({ video: 'failed', error: String(e) }));
});

const shutdown = () => {
  void (async () => {
    for (const stop of cameras) stop();
    await agent.close();
    await relay?.close({ reason: 'shutdown' });
    process.exit(0);
  })();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
