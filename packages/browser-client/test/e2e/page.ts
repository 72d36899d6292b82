/**
 * The e2e page (bundled by pair-reload.test.ts, served by device.ts over http://<lan-ip>:<port>/,
 * an insecure context). It uses exactly the README quickstart's API: createBrowserAgent →
 * enterPin (only when the device is not yet trusted) → connect → connection.peer.channel('lanrtc').
 * Progress is published on `globalThis.e2e` for the Node test to read.
 */
import type { PeerContext } from '@lanrtc/signal-core';
import { DEFAULT_CHANNEL_LABEL } from '@lanrtc/signal-core';
import { type BrowserSessionPeer, createBrowserAgent } from '../../src/index.js';
import { httpPollTransport } from './http-transport.js';

/** What the page reports to the test. */
export interface E2eStatus {
  phase: 'start' | 'need-pin' | 'pairing' | 'connecting' | 'done' | 'error';
  context?: { secure: boolean; subtle: string; mediaDevices: string; serviceWorker: string; rtc: string };
  id?: string;
  fingerprint?: string;
  askedPin: boolean;
  incoming: string[];
  remote?: string;
  remoteFingerprint?: string;
  reply?: string;
  error?: string;
  ms: Record<string, number>;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const status: E2eStatus = { phase: 'start', askedPin: false, incoming: [], ms: {} };
(globalThis as { e2e?: E2eStatus }).e2e = status;
const t0 = performance.now();
const mark = (name: string) => {
  status.ms[name] = Math.round(performance.now() - t0);
};

function pinFromForm(): Promise<string> {
  const form = document.getElementById('pair-form') as HTMLFormElement;
  form.hidden = false;
  return new Promise((resolve) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      resolve((document.getElementById('pin') as HTMLInputElement).value);
    });
  });
}

/** The default setup (one `lanrtc` channel on the offering side) plus a 15 fps canvas video track. */
function withCanvasVideo(peer: BrowserSessionPeer, context: PeerContext): void {
  if (context.role !== 'offerer') return;
  peer.createDataChannel(DEFAULT_CHANNEL_LABEL);
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  const g = canvas.getContext('2d');
  let frame = 0;
  const timer = setInterval(() => {
    if (!g) return;
    frame += 10;
    g.fillStyle = `hsl(${frame % 360} 80% 50%)`;
    g.fillRect(0, 0, canvas.width, canvas.height);
  }, 66);
  peer.pc.addEventListener('connectionstatechange', () => {
    if (peer.pc.connectionState === 'closed' || peer.pc.connectionState === 'failed') clearInterval(timer);
  });
  const stream = canvas.captureStream(15);
  for (const track of stream.getVideoTracks()) peer.pc.addTrack(track, stream);
}

/**
 * Incoming connections (the device calls this page): answer `ping` with `pong:ping`. Listens from the
 * moment the channel exists, because the device pings the instant its channel opens, which can be
 * before the agent hands this page the verified connection; a listener attached then would miss it
 * (browser-client README "Not yet": `channel()` does not buffer early messages).
 */
function answerPings(peer: BrowserSessionPeer): void {
  peer.pc.addEventListener('datachannel', (event) => {
    const ch = event.channel;
    ch.addEventListener('message', (e) => ch.send(`pong:${String(e.data)}`));
  });
}

async function main(): Promise<void> {
  status.context = {
    secure: isSecureContext,
    subtle: typeof crypto.subtle,
    mediaDevices: typeof navigator.mediaDevices,
    serviceWorker: typeof navigator.serviceWorker,
    rtc: typeof RTCPeerConnection,
  };
  const device = (await (await fetch('/device.json')).json()) as { id: string };

  // `?media=1`: also send a video track (a canvas: no camera on an insecure page) in the offer.
  const media = new URLSearchParams(location.search).has('media');
  const agent = await createBrowserAgent({
    transport: (myId) => httpPollTransport(myId),
    setup: (peer, context) => {
      if (context.role === 'answerer') answerPings(peer);
      else if (media) withCanvasVideo(peer, context);
      else peer.createDataChannel(DEFAULT_CHANNEL_LABEL);
    },
  });
  status.id = agent.id;
  agent.onConnection((incoming) => status.incoming.push(incoming.remote.id));
  status.fingerprint = hex(agent.fingerprint);
  mark('agentReady');
  if (!(await agent.trust.get(device.id))) {
    status.askedPin = true;
    status.phase = 'need-pin';
    const pin = await pinFromForm();
    status.phase = 'pairing';
    const t = performance.now();
    await agent.enterPin(device.id, pin);
    status.ms.pair = Math.round(performance.now() - t);
  }
  status.phase = 'connecting';
  const t = performance.now();
  const connection = await agent.connect(device.id); // connection.remote: the verified identity
  status.ms.connect = Math.round(performance.now() - t);
  status.remote = connection.remote.id;
  status.remoteFingerprint = hex(connection.remoteFingerprint);
  const channel = await connection.peer.channel('lanrtc');
  const te = performance.now();
  status.reply = await new Promise<string>((resolve) => {
    channel.onmessage = (event) => resolve(String(event.data));
    channel.send('hello');
  });
  status.ms.echo = Math.round(performance.now() - te);
  mark('total');
  status.phase = 'done';
}

main().catch((error: unknown) => {
  status.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  status.phase = 'error';
});
