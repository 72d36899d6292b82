/**
 * The QR e2e page (bundled by the tests, served from `http://localhost:<port>` by static-server.ts
 * inside the browser's own LAN host: a secure context, and no relay or other service anywhere).
 * Steps on `globalThis.qrE2e` for the Node test to drive with `page.evaluate`; every step resolves
 * to an outcome (never rejects), so the test asserts on error names.
 */
import type { PendingQrOffer } from '@lanrtc/signal-core';
import { decodeQrPayload, type PairingMode } from '@lanrtc/signal-core';
import { toHex } from '@lanrtc/signal-core/codec';
import { cardToOffer, DIRECT_AUTH_CHANNEL_ID, DIRECT_AUTH_LABEL } from '@lanrtc/signal-core/protocol';
import {
  answerQrOffer,
  type BrowserAgent,
  type BrowserConnection,
  type BrowserSessionPeer,
  connectDirect,
  createBrowserAgent,
  createIndexedDbTrustStore,
  createQrOffer,
  type DirectPeerInit,
  loadOrCreateCertificate,
  loadOrCreateIdentity,
  openLanrtcDb,
  renderQrToCanvas,
  scanQrFromCamera,
  scanQrFromImage,
} from '../../src/index.js';

/** A step's result: its value, or the error's name. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; message?: string };

/** What a connection looks like to the test. */
export interface ConnectionInfo {
  remote: string;
  paired: boolean;
  remoteFingerprint: string;
  /** `createAnswer`/`createOffer` output vs the local description now, candidates aside. */
  localUnchanged: boolean;
  /** The local description right after `setLocalDescription` is byte for byte what was created. */
  exactAtApply: boolean;
  /** ICE credentials and fingerprint are the created ones, exactly. */
  credentials: { created: string[]; now: string[] };
  ms: number;
}

/** What the hostile page saw. */
export interface RawResult {
  connected: boolean;
  /** Auth-channel messages: their type byte (PROTOCOL.md: 1 hello, 5 reject) and ms after connected. */
  auth: { type: number; ms: number }[];
  /** When the page's ICE or the auth channel went down (ms after connected): `disconnected` = no more packets. */
  down: { what: string; ms: number }[];
  appMessages: string[];
}

/** The steps the test drives. */
export interface QrE2e {
  context(): { secure: boolean; origin: string; camera: boolean };
  start(): Promise<Outcome<{ id: string; fingerprint: string }>>;
  /** Page A: create an offer and draw it on `#qr`; the answer comes through `#answer` (a file input). */
  offer(pair: boolean): Promise<Outcome<{ text: string; offerMs: number }>>;
  /** Page B: scan an offer from the camera, answer it, draw the answer on `#qr`. */
  answerFromCamera(): Promise<Outcome<{ offer: string; answer: string; scanMs: number }>>;
  /** Page B, copy-paste: answer an offer's text; the answer's text comes back. */
  answerText(offer: string): Promise<Outcome<{ answer: string }>>;
  /**
   * Page A: create an offer with an AbortSignal, abort it while it waits for its answer, then try
   * `accept`; reports the peer connection's signalling state after the abort and the accept's error.
   */
  abortedOffer(): Promise<Outcome<{ stateAfterAbort: string; accept: string }>>;
  /** Page A, copy-paste: accept an answer's text and wait for the connection. */
  acceptText(answer: string): Promise<Outcome<ConnectionInfo>>;
  /** Scan a card from the camera and connect to the device directly (`pin`: pair with a PIN instead). */
  connectFromCamera(pin?: string): Promise<Outcome<ConnectionInfo>>;
  /** Connect directly to a card given as text (no camera). */
  connectText(text: string): Promise<Outcome<ConnectionInfo>>;
  /** The same through the one agent shape: `createBrowserAgent()` (its own database), `agent.connectDirect(text)`. */
  agentConnectText(text: string): Promise<Outcome<{ remote: string; paired: boolean; path: string }>>;
  /** The pending connection (offerer: after the answer file was chosen). */
  connection(): Promise<Outcome<ConnectionInfo>>;
  /** Open (`create`) or wait for the `chat` channel, then send `text` on it. */
  chat(create: boolean, text: string): Promise<Outcome<null>>;
  trusted(peerId: string): Promise<boolean>;
  /** Close the current connection. */
  close(): Promise<void>;
  /**
   * A hostile page: connect to a card like `connectDirect` but never authenticate; open `chat` and
   * send on it. Resolves after `holdMs` with what happened.
   */
  rawConnect(text: string, holdMs: number): Promise<Outcome<RawResult>>;
  /**
   * From now on echo every message on channels labelled `label` back to the sender, once the
   * connection that channel belongs to is authenticated (never before: the echo waits for it).
   */
  echo(label: string): void;
  /** The last `acceptText`: ms from its start to ICE connected, ICE + DTLS connected, and authenticated. */
  acceptTimeline(): { iceMs: number; connectedMs: number; authenticatedMs: number };
  /** The current connection's selected ICE candidate pair, as Chromium's stats report it. */
  selectedPair(): Promise<Outcome<{ local: string; remote: string; remoteAddress: string }>>;
  /** Everything received on application channels, and when the connection ended. */
  readonly received: { messages: string[]; ended?: string };
}

const received: QrE2e['received'] = { messages: [] };
const appliedSdp = new WeakMap<RTCPeerConnection, string>();
const createdSdp = new WeakMap<RTCPeerConnection, string>();
let init: DirectPeerInit | undefined;
let pending: Promise<BrowserConnection> | undefined;
let current: BrowserConnection | undefined;
let browserAgent: BrowserAgent | undefined;
let offer: PendingQrOffer<BrowserSessionPeer> | undefined;
let started = 0;
const echoLabels = new Set<string>();
/** When the last `acceptText` began, its ICE connected, its peer connection connected (ICE + DTLS), and it resolved. */
let acceptedAt = 0;
let iceAt = 0;
let connectedAt = 0;
let authenticatedAt = 0;
/** The connection being authenticated or handed out last (what `echo` waits for). */
let latest: Promise<BrowserConnection> | undefined;

const canvas = document.querySelector<HTMLCanvasElement>('#qr') ?? document.createElement('canvas');
const file = document.querySelector<HTMLInputElement>('#answer');

async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const e = error as { name?: string; message?: string } | undefined;
    return { ok: false, error: e?.name ?? String(error), message: String(e?.message ?? error) };
  }
}

function need(): DirectPeerInit {
  if (!init) throw new Error('start() first');
  return init;
}

/** Lines that carry ICE credentials, the DTLS fingerprint and setup role. */
const credentials = (sdp: string) =>
  sdp.split(/\r?\n/).filter((l) => /^a=(ice-ufrag|ice-pwd|fingerprint|setup):/.test(l));
/** The SDP without what ICE gathering adds (candidates; default address/port on m= and c=). */
const skeleton = (sdp: string) =>
  sdp
    .split(/\r?\n/)
    .filter((l) => l && !/^a=(candidate|end-of-candidates)/.test(l))
    .map((l) => l.replace(/^m=application \d+/, 'm=application *').replace(/^c=IN IP4 .*/, 'c=*'))
    .join('\n');

function info(c: BrowserConnection): ConnectionInfo {
  const now = c.peer.pc.localDescription?.sdp ?? '';
  const created = createdSdp.get(c.peer.pc) ?? '';
  return {
    remote: c.remote.id,
    paired: c.paired,
    remoteFingerprint: toHex(c.remoteFingerprint),
    localUnchanged: skeleton(now) === skeleton(created),
    exactAtApply: appliedSdp.get(c.peer.pc) === created,
    credentials: { created: credentials(created), now: credentials(now) },
    ms: Math.round(performance.now() - started),
  };
}

/** Hook a connection up the moment it exists (the peer may open `chat` right after its own side resolved). */
function track(p: Promise<BrowserConnection>): Promise<BrowserConnection> {
  const hooked = p.then((c) => {
    current = c;
    void c.ended.then((reason) => {
      received.ended = reason;
    });
    return c;
  });
  hooked.catch(() => {});
  latest = hooked;
  return hooked;
}

async function settle(p: Promise<BrowserConnection>): Promise<ConnectionInfo> {
  return info(await track(p));
}

function listen(channel: RTCDataChannel): void {
  channel.addEventListener('message', (e) => received.messages.push(`${channel.label}:${String(e.data)}`));
}

/** Echo on `channel` (opened by the peer of `pc`) once that peer connection's connection is authenticated. */
function echoOn(pc: RTCPeerConnection, channel: RTCDataChannel): void {
  if (!echoLabels.has(channel.label)) return;
  channel.addEventListener('message', (e) => {
    void latest?.then(
      (c) => c.peer.pc === pc && channel.readyState === 'open' && channel.send(e.data as string),
      () => {},
    );
  });
}

file?.addEventListener('change', () => {
  const chosen = file.files?.[0];
  if (!chosen || !offer) return;
  const o = offer;
  pending = track(scanQrFromImage(chosen).then((text) => o.accept(text)));
});

const api: QrE2e = {
  context: () => ({ secure: isSecureContext, origin: location.origin, camera: 'mediaDevices' in navigator }),
  start: () =>
    outcome(async () => {
      const db = await openLanrtcDb();
      const identity = await loadOrCreateIdentity(db);
      const { certificate, fingerprint } = await loadOrCreateCertificate(db);
      init = {
        identity,
        certificate,
        trust: createIndexedDbTrustStore(db),
        timeoutMs: 10_000,
        // Record every channel the peer opens from the very start, before authentication: a test
        // must see data that arrives too early, not only what the app is handed.
        onPeer: (peer) => {
          peer.pc.addEventListener('datachannel', (e) => listen(e.channel));
          peer.pc.addEventListener('datachannel', (e) => echoOn(peer.pc, e.channel));
          peer.pc.addEventListener('connectionstatechange', () => {
            if (peer.pc.connectionState === 'connected') connectedAt = performance.now();
          });
          peer.pc.addEventListener('iceconnectionstatechange', () => {
            if (peer.pc.iceConnectionState === 'connected') iceAt = performance.now();
          });
          // Snapshot the local description the moment it is applied, before ICE gathering adds to it.
          const { pc } = peer;
          // And what createOffer/createAnswer returned: the two must be identical (no munging).
          for (const method of ['createOffer', 'createAnswer'] as const) {
            const create = pc[method].bind(pc) as () => Promise<RTCSessionDescriptionInit>;
            pc[method] = (async () => {
              const made = await create();
              createdSdp.set(pc, made.sdp ?? '');
              return made;
            }) as never;
          }
          const apply = pc.setLocalDescription.bind(pc);
          pc.setLocalDescription = async (d?: RTCLocalSessionDescriptionInit) => {
            await apply(d);
            appliedSdp.set(pc, pc.localDescription?.sdp ?? '');
          };
        },
      };
      return { id: identity.id, fingerprint: toHex(fingerprint) };
    }),
  offer: (pair) =>
    outcome(async () => {
      started = performance.now();
      offer?.close();
      offer = await createQrOffer({ ...need(), pairWithSecret: pair });
      renderQrToCanvas(offer.text, canvas);
      return { text: offer.text, offerMs: Math.round(performance.now() - started) };
    }),
  abortedOffer: () =>
    outcome(async () => {
      const controller = new AbortController();
      let pc: RTCPeerConnection | undefined;
      const pending = await createQrOffer({
        ...need(),
        signal: controller.signal,
        onPeer: (peer) => {
          pc = peer.pc;
        },
      });
      controller.abort(new DOMException('the user went back', 'AbortError'));
      const stateAfterAbort = pc?.signalingState ?? 'none';
      // Whatever the text: an aborted offer takes no answer.
      const accept = await pending.accept(pending.text).then(
        () => 'accepted',
        (e: { name?: string }) => e.name ?? 'unknown',
      );
      return { stateAfterAbort, accept };
    }),
  answerFromCamera: () =>
    outcome(async () => {
      started = performance.now();
      const text = await scanQrFromCamera({ timeoutMs: 10_000, accept: (t) => t.startsWith('LR1:') });
      const scanMs = Math.round(performance.now() - started);
      const answer = await answerQrOffer(text, need());
      renderQrToCanvas(answer.text, canvas);
      pending = track(answer.connection);
      return { offer: text, answer: answer.text, scanMs };
    }),
  answerText: (text) =>
    outcome(async () => {
      started = performance.now();
      const answer = await answerQrOffer(text, need());
      pending = track(answer.connection);
      return { answer: answer.text };
    }),
  acceptText: (text) =>
    outcome(async () => {
      if (!offer) throw new Error('offer() first');
      acceptedAt = performance.now();
      const accepted = await settle(offer.accept(text));
      authenticatedAt = performance.now();
      return accepted;
    }),
  connectFromCamera: (pin) =>
    outcome(async () => {
      started = performance.now();
      const text = await scanQrFromCamera({ timeoutMs: 10_000, accept: (t) => t.startsWith('LR1:') });
      const pairing: PairingMode | undefined = pin ? { kind: 'pin', pin } : undefined;
      return settle(connectDirect(text, { ...need(), ...(pairing ? { pairing } : {}) }));
    }),
  connectText: (text) =>
    outcome(async () => {
      started = performance.now();
      return settle(connectDirect(text, need()));
    }),
  agentConnectText: (text) =>
    outcome(async () => {
      browserAgent ??= await createBrowserAgent({ dbName: 'qr-e2e-agent' });
      const c = await track(browserAgent.connectDirect(text));
      return { remote: c.remote.id, paired: c.paired, path: c.path };
    }),
  connection: () =>
    outcome(async () => {
      if (!pending) throw new Error('nothing pending');
      return info(await pending);
    }),
  chat: (create, text) =>
    outcome(async () => {
      if (!current) throw new Error('no connection');
      if (create) listen(current.peer.createDataChannel('chat'));
      const channel = await current.peer.channel('chat');
      channel.send(text);
      return null;
    }),
  trusted: async (peerId) => (await need().trust.get(peerId)) !== undefined,
  close: async () => {
    await current?.close();
  },
  rawConnect: (text, holdMs) =>
    outcome(async () => {
      const payload = decodeQrPayload(text);
      if (payload.kind !== 'card' && payload.kind !== 'pairing-card') throw new Error('not a card');
      const pc = new RTCPeerConnection({ iceServers: [], certificates: [need().certificate] });
      const result: RawResult = { connected: false, auth: [], down: [], appMessages: [] };
      let connectedAt = 0;
      const since = () => Math.round(performance.now() - connectedAt);
      const auth = pc.createDataChannel(DIRECT_AUTH_LABEL, { negotiated: true, id: DIRECT_AUTH_CHANNEL_ID });
      auth.binaryType = 'arraybuffer';
      auth.addEventListener('message', (e) =>
        result.auth.push({ type: new Uint8Array(e.data as ArrayBuffer)[1] ?? -1, ms: since() }),
      );
      auth.addEventListener('close', () => result.down.push({ what: 'auth-channel-closed', ms: since() }));
      const chat = pc.createDataChannel('chat');
      const record = (channel: RTCDataChannel) =>
        channel.addEventListener('message', (e) =>
          result.appMessages.push(`${channel.label}:${String(e.data)}`),
        );
      record(chat);
      pc.addEventListener('datachannel', (e) => record(e.channel));
      chat.addEventListener('open', () => chat.send('sneaky'));
      pc.addEventListener('iceconnectionstatechange', () => {
        const state = pc.iceConnectionState;
        if (state === 'connected' && !connectedAt) {
          result.connected = true;
          connectedAt = performance.now();
        } else if (state === 'disconnected' || state === 'failed' || state === 'closed') {
          result.down.push({ what: `ice-${state}`, ms: since() });
        }
      });
      await pc.setRemoteDescription(cardToOffer(payload.card));
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise((r) => setTimeout(r, holdMs));
      pc.close();
      return result;
    }),
  echo: (label) => {
    echoLabels.add(label);
  },
  acceptTimeline: () => ({
    iceMs: Math.round(iceAt - acceptedAt),
    connectedMs: Math.round(connectedAt - acceptedAt),
    authenticatedMs: Math.round(authenticatedAt - acceptedAt),
  }),
  selectedPair: () =>
    outcome(async () => {
      if (!current) throw new Error('no connection');
      type Stat = Record<string, string | boolean | undefined>;
      const stats = new Map<string, Stat>();
      (await current.peer.pc.getStats()).forEach((s: Stat) => {
        stats.set(String(s.id), s);
      });
      const transport = [...stats.values()].find((s) => s.type === 'transport');
      const pair = stats.get(String(transport?.selectedCandidatePairId));
      const local = stats.get(String(pair?.localCandidateId));
      const remote = stats.get(String(pair?.remoteCandidateId));
      if (!local || !remote) throw new Error('no selected candidate pair');
      return {
        local: String(local.candidateType),
        remote: String(remote.candidateType),
        remoteAddress: `${String(remote.address)}:${String(remote.port)}`,
      };
    }),
  received,
};
(globalThis as { qrE2e?: QrE2e }).qrE2e = api;
