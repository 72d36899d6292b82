/**
 * The relay e2e page (bundled by the tests, served by the real relay over http://<lan-ip>:<port>/,
 * an insecure context). It logs into the relay it was served from with signal-core's `connectRelay`
 * and the browser's native WebSocket, runs a browser agent over it, and exposes steps on
 * `globalThis.relayE2e` for the Node test to drive with `page.evaluate`. Every step resolves to an
 * outcome (never rejects), so the test asserts on error names and reasons.
 */
import {
  type Connection,
  createIdentity,
  DEFAULT_CHANNEL_LABEL,
  LanrtcError,
  type PeerContext,
  type RelayConnection,
} from '@lanrtc/signal-core';
import { connectRelay } from '@lanrtc/signal-core/session';
import {
  type BrowserAgent,
  type BrowserSessionPeer,
  createBrowserAgent,
  loadOrCreateIdentity,
  openHttpClient,
  openLanrtcDb,
} from '../../src/index.js';

/** A step's result: its value, or the error's name (and `reason` of a `PeerRejectedError`). */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: string; reason?: string; message?: string };

/** What the page reports about its environment. */
export interface PageContext {
  secure: boolean;
  subtle: string;
  origin: string;
}

/** The steps the test drives. */
export interface RelayE2e {
  context(): PageContext;
  /**
   * Log into the relay and start the agent (identity etc. from IndexedDB). `reconnect`: the agent
   * logs into the relay itself (`relay` option, reconnect on by default); states kept for `relayStates`.
   */
  /** `timeoutMs`: the agent's step deadline (default 6 s; the tamper tests, which wait it out, pass less). */
  start(reconnect?: boolean, timeoutMs?: number): Promise<Outcome<{ id: string; fingerprint: string }>>;
  /** The relay connection's state changes so far (with `start(true)`). */
  relayStates(): string[];
  /** Reasons of the relay errors reported so far (with `start(true)`). */
  relayErrors(): string[];
  /** The device's id, from the `device.json` the device wrote next to the page. */
  deviceId(): Promise<string>;
  trusted(peerId: string): Promise<boolean>;
  enterPin(peerId: string, pin: string): Promise<Outcome<null>>;
  /** Show a PIN (this page is the one others pair with). */
  showPin(): string;
  /** Connect, send `text` on the `lanrtc` channel, resolve with the first reply. */
  connectEcho(
    peerId: string,
    text: string,
  ): Promise<Outcome<{ remote: string; remoteFingerprint: string; reply: string; ms: number }>>;
  /**
   * Bench anchor: a plain unauthenticated offer/answer (complete SDP text) with `anchorId` over a
   * second relay login; resolves once the first echo is back. `waitGathering`: send the offer with
   * its complete candidates (classic non-trickle), else at once (the device learns the page's
   * address as a peer-reflexive candidate from its checks, RFC 8445 §7.3.1.3).
   */
  anchorEcho(
    anchorId: string,
    text: string,
    waitGathering: boolean,
  ): Promise<Outcome<{ reply: string; ms: number }>>;
  /**
   * Wait for a remote video track on the last connection `connectEcho` opened, play it in a muted
   * <video>, resolve once frames are decoded (inbound-rtp `framesDecoded` and the element's size).
   */
  video(): Promise<
    Outcome<{ framesDecoded: number; width: number; height: number; session: string | undefined; ms: number }>
  >;
  /**
   * HTTP to the device over the last connection `connectEcho` opened (`openHttpClient`'s `fetch`,
   * no service worker): its JSON, its PNG shown through a blob: URL, an ungranted path, a range.
   */
  http(): Promise<
    Outcome<{
      json: unknown;
      image: { status: number; type: string | null; bytes: number; naturalWidth: number };
      forbidden: number;
      range: { status: number; contentRange: string | null; bytes: number[] };
      ms: number;
    }>
  >;
  /** Frames the agent rejected, by error name (signal-core's `agent.rejected`). */
  rejected(): Record<string, number>;
  /**
   * From now on, connections on this page read the remote DTLS certificate `ms` later (a busy page
   * whose `getStats` is slow): the hand-over's certificate check finishes that much later.
   */
  slowCertificateRead(ms: number): void;
  /** Everything the app received: incoming connections' ids and messages. */
  readonly received: { connections: string[]; messages: string[] };
}

/**
 * Messages per channel, listened to from the moment the channel exists: the browser drops messages
 * that arrive before a listener, and the agent hands over a connection only after its checks, by
 * which time the peer may already have spoken.
 */
const inboxes = new WeakMap<RTCDataChannel, { queue: string[]; handler?: (text: string) => void }>();
function listen(channel: RTCDataChannel): void {
  const inbox: { queue: string[]; handler?: (text: string) => void } = { queue: [] };
  inboxes.set(channel, inbox);
  channel.addEventListener('message', (event) => {
    const text = String(event.data);
    if (inbox.handler) inbox.handler(text);
    else inbox.queue.push(text);
  });
}
function onData(channel: RTCDataChannel, handler: (text: string) => void): void {
  const inbox = inboxes.get(channel);
  if (!inbox) throw new Error('channel was not listened to from the start');
  inbox.handler = handler;
  for (const text of inbox.queue.splice(0)) handler(text);
}
/** Remote tracks, by peer connection, recorded from the start (a renegotiation adds them later). */
const tracks = new WeakMap<RTCPeerConnection, MediaStreamTrack[]>();
let certificateReadDelayMs = 0;
function setup(peer: BrowserSessionPeer, context: PeerContext): void {
  if (certificateReadDelayMs > 0) {
    const read = peer.remoteCertificateFingerprint.bind(peer);
    const delay = certificateReadDelayMs;
    peer.remoteCertificateFingerprint = async () => {
      await new Promise((r) => setTimeout(r, delay));
      return read();
    };
  }
  tracks.set(peer.pc, []);
  peer.pc.addEventListener('track', (event) => tracks.get(peer.pc)?.push(event.track));
  peer.pc.addEventListener('datachannel', (event) => listen(event.channel));
  if (context.role === 'offerer') listen(peer.createDataChannel(DEFAULT_CHANNEL_LABEL));
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const received = { connections: [] as string[], messages: [] as string[] };
let agent: BrowserAgent | undefined;
let anchor: RelayConnection | undefined;
let lastConnection: Connection<BrowserSessionPeer> | undefined;
const relayStates: string[] = [];
const relayErrors: string[] = [];
let anchorReplies: AsyncIterator<{ bytes: Uint8Array }> | undefined;

async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const e = error as { name?: string; message?: string; reason?: unknown } | undefined;
    return {
      ok: false,
      error: e?.name ?? String(error),
      ...(typeof e?.reason === 'string' ? { reason: e.reason } : {}),
      // Not a lanrtc error (a bug in the page or the browser's API): keep the message for the log.
      ...(error instanceof LanrtcError ? {} : { message: String(e?.message ?? error) }),
    };
  }
}

/** Bound a wait so a step fails with a name instead of hanging the test. */
function within<T>(p: Promise<T>, name: string, ms = 8_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const e = new Error('timed out');
      e.name = name;
      reject(e);
    }, ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** The first defined value `probe` gives (checked every 50 ms); fails named `name` after `ms`. */
async function poll<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  name: string,
  ms = 8_000,
): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) {
      const e = new Error('timed out');
      e.name = name;
      throw e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function need(): BrowserAgent {
  if (!agent) throw new Error('start() first');
  return agent;
}

const api: RelayE2e = {
  context: () => ({ secure: isSecureContext, subtle: typeof crypto.subtle, origin: location.origin }),
  relayStates: () => [...relayStates],
  relayErrors: () => [...relayErrors],
  start: (reconnect, timeoutMs = 6_000) =>
    outcome(async () => {
      const common = {
        timeoutMs,
        setup,
      };
      const onConnection = (c: Connection<BrowserSessionPeer>) => {
        received.connections.push(c.remote.id);
        void c.peer.channel('lanrtc').then((ch) =>
          onData(ch, (text) => {
            received.messages.push(text);
            ch.send(`echo:${text}`);
          }),
        );
      };
      if (reconnect) {
        // The agent logs into the relay itself; reconnect is its default (not set here on purpose).
        agent = await createBrowserAgent({
          ...common,
          relay: { url: `ws://${location.host}/` },
        });
        const relay = agent.relay;
        if (relay) {
          // The state at subscription first (`open`), then every change.
          relayStates.push(relay.state);
          relay.onStateChange((st) => relayStates.push(st));
          relay.onError((e) => relayErrors.push(e.reason));
        }
      } else {
        // The relay login needs the identity before the agent exists: load it from the same database.
        const db = await openLanrtcDb();
        const identity = await loadOrCreateIdentity(db);
        db.close();
        const transport = await connectRelay({
          url: `ws://${location.host}/`,
          identity,
          WebSocket: globalThis.WebSocket, // the native one fits RelayWebSocketConstructor without a cast
        });
        agent = await createBrowserAgent({ ...common, transport: () => transport });
      }
      agent.onConnection(onConnection);
      return { id: agent.id, fingerprint: hex(agent.fingerprint) };
    }),
  deviceId: async () => ((await (await fetch('/device.json')).json()) as { id: string }).id,
  trusted: async (peerId) => (await need().trust.get(peerId)) !== undefined,
  enterPin: (peerId, pin) =>
    outcome(async () => {
      await need().enterPin(peerId, pin);
      return null;
    }),
  showPin: () => need().showPin().pin(),
  connectEcho: (peerId, text) =>
    outcome(async () => {
      const t = performance.now();
      const c = await need().connect(peerId);
      lastConnection = c;
      const channel = await within(c.peer.channel('lanrtc'), 'ChannelTimeout');
      const reply = await within(
        new Promise<string>((resolve) => {
          onData(channel, (reply) => {
            received.messages.push(reply);
            resolve(reply);
          });
          channel.send(text);
        }),
        'ReplyTimeout',
      );
      return {
        remote: c.remote.id,
        remoteFingerprint: hex(c.remoteFingerprint),
        reply,
        ms: Math.round(performance.now() - t),
      };
    }),
  anchorEcho: (anchorId, text, waitGathering) =>
    outcome(async () => {
      anchor ??= await connectRelay({
        url: `ws://${location.host}/`,
        identity: createIdentity(),
        WebSocket: globalThis.WebSocket, // the native one fits RelayWebSocketConstructor without a cast
      });
      anchorReplies ??= anchor.messages[Symbol.asyncIterator]();
      const [link, replies] = [anchor, anchorReplies];
      const t = performance.now();
      const pc = new RTCPeerConnection({ iceServers: [] });
      try {
        const channel = pc.createDataChannel('bench');
        const opened = new Promise<void>((r) => channel.addEventListener('open', () => r(), { once: true }));
        const reply = new Promise<string>((r) =>
          channel.addEventListener('message', (e) => r(String(e.data)), { once: true }),
        );
        const gathered = new Promise<void>((r) =>
          pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()),
        );
        await pc.setLocalDescription(await pc.createOffer());
        if (waitGathering) await gathered;
        await link.send(anchorId, new TextEncoder().encode(pc.localDescription?.sdp ?? ''));
        const next = await replies.next();
        if (next.done) throw new Error('relay closed');
        await pc.setRemoteDescription({ type: 'answer', sdp: new TextDecoder().decode(next.value.bytes) });
        await within(opened, 'ChannelTimeout');
        channel.send(text);
        return { reply: await within(reply, 'ReplyTimeout'), ms: Math.round(performance.now() - t) };
      } finally {
        pc.close();
      }
    }),
  video: () =>
    outcome(async () => {
      const c = lastConnection;
      if (!c) throw new Error('connectEcho first');
      const t = performance.now();
      const track = await poll(() => tracks.get(c.peer.pc)?.find((x) => x.kind === 'video'), 'NoVideoTrack');
      const element = document.createElement('video');
      element.muted = true;
      element.srcObject = new MediaStream([track]);
      document.body.append(element);
      // play() settles only once frames flow; the stats below are what the test waits for.
      element.play().catch(() => {});
      let last = '';
      const framesDecoded = await poll(async () => {
        let decoded = 0;
        (await c.peer.pc.getStats(track)).forEach((stat: { type?: string; framesDecoded?: number }) => {
          if (stat.type !== 'inbound-rtp') return;
          decoded = stat.framesDecoded ?? 0;
          last = JSON.stringify(stat);
        });
        return decoded > 0 && element.videoWidth > 0 ? decoded : undefined;
      }, 'NoFramesDecoded').catch((e: Error) => {
        e.message = `no decoded frames; inbound-rtp: ${last || 'none'}; remote sdp: ${c.peer.pc.remoteDescription?.sdp}`;
        throw e;
      });
      return {
        framesDecoded,
        width: element.videoWidth,
        height: element.videoHeight,
        session: c.session,
        ms: Math.round(performance.now() - t),
      };
    }),
  http: () =>
    outcome(async () => {
      const c = lastConnection;
      if (!c) throw new Error('connectEcho first');
      const t = performance.now();
      const client = await within(openHttpClient(c), 'HttpHelloTimeout');
      const json = await (await client.fetch('/api/x.json')).json();
      const png = await client.fetch('/img/dot.png');
      const blob = await png.blob();
      const img = document.createElement('img');
      const url = URL.createObjectURL(blob);
      try {
        img.src = url;
        await img.decode();
      } finally {
        URL.revokeObjectURL(url);
      }
      const forbidden = await client.fetch('/private/secret.txt');
      await forbidden.arrayBuffer();
      const ranged = await client.fetch('/img/dot.png', { headers: { range: 'bytes=1-3' } });
      return {
        json,
        image: {
          status: png.status,
          type: png.headers.get('content-type'),
          bytes: blob.size,
          naturalWidth: img.naturalWidth,
        },
        forbidden: forbidden.status,
        range: {
          status: ranged.status,
          contentRange: ranged.headers.get('content-range'),
          bytes: [...new Uint8Array(await ranged.arrayBuffer())],
        },
        ms: Math.round(performance.now() - t),
      };
    }),
  rejected: () => ({ ...need().rejected }),
  slowCertificateRead: (ms) => {
    certificateReadDelayMs = ms;
  },
  received,
};
(globalThis as { relayE2e?: RelayE2e }).relayE2e = api;
