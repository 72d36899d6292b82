/**
 * The simple-peer adapter's e2e page (bundled by the tests, served by the real relay over
 * http://<lan-ip>:<port>/). It imports the adapter through its package subpath
 * `@lanrtc/browser-client/simple-peer`, as an app would, wraps lanrtc connections (relay path from
 * a browser agent, or direct from QR signalling) with `toSimplePeer`, and records every event the
 * adapters emit. Steps on `globalThis.simplePeerE2e` resolve to outcomes (never reject).
 */

import {
  answerQrOffer,
  type BrowserAgent,
  type BrowserSessionPeer,
  createBrowserAgent,
  createIndexedDbTrustStore,
  createQrOffer,
  type DirectPeerInit,
  loadOrCreateCertificate,
  loadOrCreateIdentity,
  openLanrtcDb,
} from '@lanrtc/browser-client';
import {
  type SimplePeerAdapter,
  type SimplePeerConnection,
  type SimplePeerInit,
  toSimplePeer,
} from '@lanrtc/browser-client/simple-peer';
import type { PendingQrOffer } from '@lanrtc/signal-core';

/** A step's result: its value, or the error's name. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; message?: string };

/** One received `data` event: its JS type and content. */
export type Received = { text: string } | { bytes: number[]; type: string };

/** What a test sends. */
export type Item = { text: string } | { bytes: number[] };

/** The steps the test drives; `name` picks an adapter (`in`: the incoming one, `out`, `direct`). */
export interface SimplePeerE2e {
  start(): Promise<Outcome<string>>;
  showPin(): string;
  enterPin(peerId: string, pin: string): Promise<Outcome<null>>;
  trusted(peerId: string): Promise<boolean>;
  /** `agent.connect` and wrap it as `out`; resolves after `connect` (or its outcome). */
  connect(peerId: string): Promise<Outcome<null>>;
  /** Resolve once adapter `name` exists and emitted `connect`. */
  connected(name: string): Promise<Outcome<null>>;
  /** Start listening to `data` on `name`: record it, and answer text `t` with `echo:t`, bytes reversed. */
  echo(name: string): Outcome<null>;
  /** Start listening to `data` on `name` and only record it. */
  collect(name: string): Outcome<null>;
  send(name: string, items: Item[]): Outcome<null>;
  /** Wait until `name` received `count` messages; resolves with them. */
  received(name: string, count: number): Promise<Outcome<Received[]>>;
  /** The events `name` emitted so far (`connect`, `close`, `error:<name>:<message>`, `track:…`, `stream:…`). */
  events(name: string): string[];
  /** Wait until `name` emitted an event starting with `prefix`. */
  waitEvent(name: string, prefix: string): Promise<Outcome<string[]>>;
  state(name: string): { connected: boolean; destroyed: boolean };
  /** `destroy` (with an `Error(message)` if given) and, `twice`, once more with another error. */
  destroy(name: string, message?: string, twice?: boolean): Outcome<null>;
  /** Call `signal` and report what it threw. */
  signal(name: string): Outcome<null>;
  /** `send` after destroy: what it threw. */
  sendAfterDestroy(name: string): Outcome<null>;
  /** A 64×48 canvas capture stream, added with `addStream`; then `addTrack` of the same pair again. */
  addCanvas(name: string): Outcome<{ streamId: string; again: string }>;
  /** `removeTrack` of the canvas track added on `name`. */
  removeCanvas(name: string): Outcome<null>;
  /** Play the first remote video track `name` got (`track` event); resolve once it has a size. */
  playRemote(name: string): Promise<Outcome<{ width: number; height: number; streamId: string }>>;
  /** QR signalling (direct connection): create an offer with a pairing secret. */
  qrOffer(): Promise<Outcome<string>>;
  /** Answer `offer`; the connection, when it comes, is wrapped as `direct` with `init`. */
  qrAnswer(offer: string, init: SimplePeerInit): Promise<Outcome<string>>;
  /** Read the answer; wrap the connection as `direct` with `init`; resolves after `connect`. */
  qrAccept(answer: string, init: SimplePeerInit): Promise<Outcome<null>>;
}

interface Wrapped {
  adapter: SimplePeerAdapter;
  events: string[];
  received: Received[];
  connected: Promise<void>;
  remoteTracks: MediaStreamTrack[];
  canvas?: { track: MediaStreamTrack; stream: MediaStream; timer: ReturnType<typeof setInterval> };
}

const wrapped = new Map<string, Wrapped>();
let agent: BrowserAgent | undefined;
let pending: PendingQrOffer<BrowserSessionPeer> | undefined;

function wrap(name: string, connection: SimplePeerConnection, init: SimplePeerInit = {}): Wrapped {
  const adapter = toSimplePeer(connection, init);
  const events: string[] = [];
  const w: Wrapped = {
    adapter,
    events,
    received: [],
    remoteTracks: [],
    connected: new Promise<void>((resolve) => adapter.once('connect', resolve)),
  };
  adapter.on('connect', () => events.push('connect'));
  adapter.on('close', () => events.push('close'));
  adapter.on('error', (e) => events.push(`error:${e.name}:${e.message}`));
  adapter.on('track', (track, stream) => {
    events.push(`track:${track.kind}:${stream.id}`);
    w.remoteTracks.push(track);
    stream.addEventListener('removetrack', () => events.push(`removetrack:${stream.id}`));
  });
  adapter.on('stream', (stream) => events.push(`stream:${stream.id}`));
  wrapped.set(name, w);
  return w;
}

function get(name: string): Wrapped {
  const w = wrapped.get(name);
  if (!w) throw new Error(`no adapter ${name}`);
  return w;
}

async function outcome<T>(run: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const e = error as { name?: string; message?: string };
    return { ok: false, error: e?.name ?? String(error), message: String(e?.message ?? error) };
  }
}
function now<T>(run: () => T): Outcome<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    const e = error as { name?: string; message?: string };
    return { ok: false, error: e?.name ?? String(error), message: String(e?.message ?? error) };
  }
}

/** The first defined value `probe` gives (checked every 50 ms); fails named `name` after `ms`. */
async function poll<T>(probe: () => T | undefined, name: string, ms = 10_000): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) {
      const e = new Error('timed out');
      e.name = name;
      throw e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function record(w: Wrapped, data: string | Uint8Array): void {
  w.received.push(
    typeof data === 'string' ? { text: data } : { bytes: [...data], type: data.constructor.name },
  );
}

async function directInit(): Promise<DirectPeerInit> {
  const db = await openLanrtcDb();
  const identity = await loadOrCreateIdentity(db);
  const { certificate } = await loadOrCreateCertificate(db);
  return { identity, certificate, trust: createIndexedDbTrustStore(db), timeoutMs: 15_000 };
}

const api: SimplePeerE2e = {
  start: () =>
    outcome(async () => {
      agent = await createBrowserAgent({
        relay: `ws://${location.host}/`,
        timeoutMs: 15_000,
      });
      // Wrapped at once; `data` is listened to only when the test says (the held-message check).
      agent.onConnection((c) => void wrap('in', c));
      return agent.id;
    }),
  showPin: () => {
    if (!agent) throw new Error('start first');
    return agent.showPin().pin();
  },
  enterPin: (peerId, pin) =>
    outcome(async () => {
      await agent?.enterPin(peerId, pin);
      return null;
    }),
  trusted: async (peerId) => (await agent?.trust.get(peerId)) !== undefined,
  connect: (peerId) =>
    outcome(async () => {
      if (!agent) throw new Error('start first');
      const w = wrap('out', await agent.connect(peerId));
      await w.connected;
      return null;
    }),
  connected: (name) =>
    outcome(async () => {
      await (await poll(() => wrapped.get(name), 'NoAdapter')).connected;
      return null;
    }),
  echo: (name) =>
    now(() => {
      const w = get(name);
      w.adapter.on('data', (data) => {
        record(w, data);
        w.adapter.send(typeof data === 'string' ? `echo:${data}` : data.slice().reverse());
      });
      return null;
    }),
  collect: (name) =>
    now(() => {
      const w = get(name);
      w.adapter.on('data', (data) => record(w, data));
      return null;
    }),
  send: (name, items) =>
    now(() => {
      const { adapter } = get(name);
      for (const item of items) adapter.send('text' in item ? item.text : Uint8Array.from(item.bytes));
      return null;
    }),
  received: (name, count) =>
    outcome(() =>
      poll(() => (get(name).received.length >= count ? get(name).received : undefined), 'Missing'),
    ),
  events: (name) => [...(wrapped.get(name)?.events ?? [])],
  waitEvent: (name, prefix) =>
    outcome(() =>
      poll(
        () => (get(name).events.some((e) => e.startsWith(prefix)) ? get(name).events : undefined),
        'NoEvent',
      ),
    ),
  state: (name) => {
    const { adapter } = get(name);
    return { connected: adapter.connected, destroyed: adapter.destroyed };
  },
  destroy: (name, message, twice) =>
    now(() => {
      const { adapter } = get(name);
      adapter.destroy(message === undefined ? undefined : new Error(message));
      if (twice) adapter.destroy(new Error('second destroy'));
      return null;
    }),
  signal: (name) =>
    now(() => {
      get(name).adapter.signal({ type: 'offer', sdp: '' });
      return null;
    }),
  sendAfterDestroy: (name) =>
    now(() => {
      get(name).adapter.send('too late');
      return null;
    }),
  addCanvas: (name) =>
    now(() => {
      const w = get(name);
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const g = canvas.getContext('2d');
      let frame = 0;
      // A changing picture: a canvas capture emits frames only when the canvas is drawn.
      const timer = setInterval(() => {
        if (!g) return;
        g.fillStyle = `hsl(${(frame++ * 37) % 360} 80% 50%)`;
        g.fillRect(0, 0, 64, 48);
      }, 50);
      const stream = canvas.captureStream(20);
      const [track] = stream.getVideoTracks();
      if (!track) throw new Error('no canvas track');
      w.canvas = { track, stream, timer };
      w.adapter.addStream(stream);
      const again = now(() => w.adapter.addTrack(track, stream));
      return { streamId: stream.id, again: again.ok ? 'no error' : again.error };
    }),
  removeCanvas: (name) =>
    now(() => {
      const w = get(name);
      if (!w.canvas) throw new Error('addCanvas first');
      w.adapter.removeTrack(w.canvas.track, w.canvas.stream);
      return null;
    }),
  playRemote: (name) =>
    outcome(async () => {
      const w = get(name);
      const track = await poll(() => w.remoteTracks.find((t) => t.kind === 'video'), 'NoVideoTrack');
      const video = document.createElement('video');
      video.muted = true;
      const stream = new MediaStream([track]);
      video.srcObject = stream;
      document.body.append(video);
      video.play().catch(() => {});
      await poll(() => (video.videoWidth > 0 ? true : undefined), 'NoFrames');
      const streamId = w.events.find((e) => e.startsWith('stream:'))?.slice('stream:'.length) ?? '';
      return { width: video.videoWidth, height: video.videoHeight, streamId };
    }),
  qrOffer: () =>
    outcome(async () => {
      pending = await createQrOffer({ ...(await directInit()), pairWithSecret: true });
      return pending.text;
    }),
  qrAnswer: (offer, init) =>
    outcome(async () => {
      const answer = await answerQrOffer(offer, await directInit());
      answer.connection.then(
        (c) => void wrap('direct', c, init),
        () => {},
      );
      return answer.text;
    }),
  qrAccept: (answer, init) =>
    outcome(async () => {
      if (!pending) throw new Error('qrOffer first');
      const w = wrap('direct', await pending.accept(answer), init);
      await w.connected;
      return null;
    }),
};
(globalThis as { simplePeerE2e?: SimplePeerE2e }).simplePeerE2e = api;
