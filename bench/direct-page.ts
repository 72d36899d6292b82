/**
 * bench:direct's page (bundled by bench/direct.ts, served by the relay over http://<relay-ip>:<port>/).
 * One identity, certificate and IndexedDB trust store behind both paths: a browser agent logged into
 * the relay it was served from, and `connectDirect` from the device's card text. Steps on
 * `globalThis.directBench` for the orchestrator to drive with `page.evaluate`.
 */
import { DEFAULT_CHANNEL_LABEL, type PeerContext } from '@lanrtc/signal-core';
import { connectRelay } from '@lanrtc/signal-core/session';
import {
  type BrowserAgent,
  type BrowserSessionPeer,
  connectDirect,
  createBrowserAgent,
  type DirectPeerInit,
  loadOrCreateCertificate,
  loadOrCreateIdentity,
  openLanrtcDb,
} from '../packages/browser-client/src/index.js';

/** ms from the start to: ICE + DTLS connected, authenticated connection, app channel open, first echo back. */
export interface PageSample {
  connected?: number;
  auth: number;
  open: number;
  echo: number;
}

/** The steps the orchestrator drives (each rejects with the error's name and message on failure). */
export interface DirectBench {
  start(): Promise<string>;
  enterPin(deviceId: string, pin: string): Promise<void>;
  /** From the card's QR text (decoded and verified inside the timing) to the first echo. */
  direct(cardText: string): Promise<PageSample>;
  /** `agent.connect(deviceId)` over the relay (logged in already) to the first echo. */
  relay(deviceId: string): Promise<PageSample>;
}

let agent: BrowserAgent | undefined;
let init: DirectPeerInit | undefined;
/** When the newest peer connection reached `connected` (ICE and DTLS up). */
let connectedAt = 0;
function watch(pc: RTCPeerConnection): void {
  connectedAt = 0;
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected' && !connectedAt) connectedAt = performance.now();
  });
}

function within<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function openAndEcho(
  peer: BrowserSessionPeer,
  label: string,
  t0: number,
  auth: number,
): Promise<PageSample> {
  const channel = await within(peer.channel(label), `${label} open`);
  const open = performance.now() - t0;
  const reply = new Promise<void>((resolve) =>
    channel.addEventListener('message', () => resolve(), { once: true }),
  );
  channel.send('ping');
  await within(reply, 'echo');
  const echo = performance.now() - t0;
  return { ...(connectedAt ? { connected: connectedAt - t0 } : {}), auth, open, echo };
}

const api: DirectBench = {
  async start() {
    // The relay login needs the identity before the agent exists: load it from the same database.
    const db = await openLanrtcDb();
    const identity = await loadOrCreateIdentity(db);
    const { certificate } = await loadOrCreateCertificate(db);
    const transport = await connectRelay({
      url: `ws://${location.host}/`,
      identity,
      WebSocket: globalThis.WebSocket,
    });
    agent = await createBrowserAgent({
      transport: () => transport,
      timeoutMs: 8_000,
      // The agent's default (the offerer opens `lanrtc`), plus the connected-time probe.
      setup: (peer: BrowserSessionPeer, context: PeerContext) => {
        watch(peer.pc);
        if (context.role === 'offerer') peer.createDataChannel(DEFAULT_CHANNEL_LABEL);
      },
    });
    // The same identity, certificate and trust store as the agent's.
    init = { identity, certificate, trust: agent.trust, timeoutMs: 8_000, onPeer: (peer) => watch(peer.pc) };
    return agent.id;
  },
  async enterPin(deviceId, pin) {
    await agent?.enterPin(deviceId, pin);
  },
  async direct(cardText) {
    if (!init) throw new Error('start() first');
    const t0 = performance.now();
    const c = await connectDirect(cardText, init);
    const auth = performance.now() - t0;
    try {
      // The device hands over no channel before in-band auth, so the app opens its own after it.
      c.peer.createDataChannel('bench');
      return await openAndEcho(c.peer, 'bench', t0, auth);
    } finally {
      await c.close();
    }
  },
  async relay(deviceId) {
    if (!agent) throw new Error('start() first');
    const t0 = performance.now();
    const c = await agent.connect(deviceId);
    const auth = performance.now() - t0;
    try {
      return await openAndEcho(c.peer, 'lanrtc', t0, auth);
    } finally {
      await c.close();
    }
  },
};
(globalThis as { directBench?: DirectBench }).directBench = api;
