/**
 * The direct-media e2e page (bundled by the test, served from `http://localhost:<port>` inside the
 * browser's LAN host: a secure context, so it has a microphone). It reaches the device by direct
 * connect from its pairing card; incoming video plays in a muted `<video>` whose decoded frames are
 * counted with `requestVideoFrameCallback`; `talk()` sends Chromium's fake microphone to the device.
 * Steps on `globalThis.mediaE2e`; each resolves to an outcome (never rejects).
 */
import { toHex } from '@lanrtc/signal-core/codec';
import {
  type BrowserConnection,
  connectDirect,
  createIndexedDbTrustStore,
  loadOrCreateCertificate,
  loadOrCreateIdentity,
  openLanrtcDb,
} from '../../src/index.js';

/** A step's result: its value, or the error's name. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; message?: string };

/** What the page saw of the incoming video. */
export interface VideoState {
  tracks: number;
  width: number;
  height: number;
  /** Frames presented (requestVideoFrameCallback) and decoded (inbound-rtp stats). */
  frames: number;
  framesDecoded: number;
  /** `Date.now()` when the first frame was presented, or 0. */
  firstFrameAt: number;
}

/** The page's steps. */
export interface MediaE2e {
  connect(text: string): Promise<Outcome<{ remote: string; fingerprint: string }>>;
  video(): Promise<VideoState>;
  talk(): Promise<Outcome<{ start: number; end: number }>>;
  stopTalking(): Promise<Outcome<null>>;
  errors(): string[];
  state(): { connection: string; signaling: string; ended?: string };
}

let current: BrowserConnection | undefined;
let ended: string | undefined;
let mic: RTCRtpSender | undefined;
const errors: string[] = [];
const video = document.createElement('video');
video.muted = true;
video.autoplay = true;
video.playsInline = true;
document.body.append(video);
const shown = { frames: 0, firstFrameAt: 0, tracks: 0 };
const onFrame = () => {
  shown.frames += 1;
  if (shown.firstFrameAt === 0) shown.firstFrameAt = Date.now();
  video.requestVideoFrameCallback(onFrame);
};
video.requestVideoFrameCallback(onFrame);

async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const e = error as { name?: string; message?: string } | undefined;
    return { ok: false, error: e?.name ?? String(error), message: String(e?.message ?? error) };
  }
}

const need = () => {
  if (!current) throw new Error('connect() first');
  return current;
};

const api: MediaE2e = {
  connect: (text) =>
    outcome(async () => {
      const db = await openLanrtcDb();
      const { certificate } = await loadOrCreateCertificate(db);
      const c = await connectDirect(text, {
        identity: await loadOrCreateIdentity(db),
        certificate,
        trust: createIndexedDbTrustStore(db),
        onPeer: (peer) =>
          peer.pc.addEventListener('track', (e) => {
            shown.tracks += 1;
            if (e.track.kind === 'video') {
              video.srcObject = new MediaStream([e.track]);
              void video.play().catch(() => {});
            }
          }),
      });
      current = c;
      c.onRenegotiationError?.((e) => errors.push(e.name));
      void c.ended.then((reason) => {
        ended = reason;
      });
      return { remote: c.remote.id, fingerprint: toHex(c.remoteFingerprint) };
    }),
  video: async () => {
    let framesDecoded = 0;
    if (current) {
      (await current.peer.pc.getStats()).forEach(
        (s: { type: string; kind?: string; framesDecoded?: number }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded += s.framesDecoded ?? 0;
        },
      );
    }
    return { ...shown, width: video.videoWidth, height: video.videoHeight, framesDecoded };
  },
  talk: () =>
    outcome(async () => {
      const c = need();
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const track = stream.getAudioTracks()[0];
      if (!track) throw new Error('no microphone track');
      const start = Date.now();
      mic = c.peer.pc.addTrack(track, stream);
      await c.renegotiate();
      return { start, end: Date.now() };
    }),
  stopTalking: () =>
    outcome(async () => {
      const c = need();
      if (!mic) throw new Error('not talking');
      mic.track?.stop();
      c.peer.pc.removeTrack(mic);
      mic = undefined;
      await c.renegotiate();
      return null;
    }),
  errors: () => [...errors],
  state: () => ({
    connection: current?.peer.pc.connectionState ?? 'none',
    signaling: current?.peer.pc.signalingState ?? 'none',
    ...(ended !== undefined ? { ended } : {}),
  }),
};

(globalThis as { mediaE2e?: MediaE2e }).mediaE2e = api;
