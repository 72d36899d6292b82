/**
 * LAN Web: a paired device's own web service in this page. The page (on a secure origin, so it has
 * a service worker) reaches a device that runs `lanrtc expose` by direct connect from the device's
 * card, pairs by PIN on first contact (this browser's identity and trust stay in IndexedDB, so later
 * visits reconnect without one), opens an HTTP client on the connection, and serves `/lan/<device>/…`
 * from it to the worker's bridge: the file browser, `<img>`, `<video>`, the Site iframe and download
 * links all load through it.
 */
import {
  type BrowserAgent,
  type BrowserConnection,
  createBrowserAgent,
  openHttpClient,
  scanQrFromCamera,
  serveLanRoutes,
} from '@lanrtc/browser-client';
import { type Card, cardFromQrText } from '@lanrtc/signal-core';
import type { HttpClient } from '@lanrtc/signal-core/http';
import { listDevices, type RememberedDevice, rememberDevice } from './devices.js';
import { byId, showScreen } from './dom.js';
import { errorText, isNotPaired } from './error-text.js';
import { lanUrl, openPath, type PreviewEvents } from './preview.js';

/** How long a connection attempt may take before the device counts as unreachable. */
const CONNECT_TIMEOUT_MS = 12_000;
/** The grant scope `lanrtc expose` uses by default (service `web`). */
const SCOPE = 'http:web';

interface Live {
  readonly device: RememberedDevice;
  readonly connection: BrowserConnection;
  readonly client: HttpClient;
}

let agent: BrowserAgent;
let live: Live | undefined;
/** The device a PIN is being asked for: its card text and verified card. */
let pinFor: { text: string; card: Card } | undefined;
const clients = new Map<string, HttpClient>();

/** A remembered card as a verified `Card`: an expired one still names the device's key and address. */
function rememberedCard(text: string): Card {
  try {
    return cardFromQrText(text).card;
  } catch (error) {
    if ((error as Error).name !== 'CardExpiredError') throw error;
    return cardFromQrText(text, 0).card;
  }
}

/** Say what went wrong above the screen; `command` is one to run on the device, `retry` a button. */
function showProblem(text: string, command?: string, retry?: () => void): void {
  byId('problem').hidden = false;
  byId('problem-text').textContent = text;
  const code = byId('problem-command');
  code.hidden = command === undefined;
  code.textContent = command ?? '';
  const button = byId<HTMLButtonElement>('problem-retry');
  button.hidden = retry === undefined;
  button.onclick = retry ? () => retry() : null;
}

const clearProblem = () => {
  byId('problem').hidden = true;
};

function renderDevices(): void {
  const current = live?.device.id;
  byId('devices').replaceChildren(
    ...listDevices().map((d) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = d.name;
      b.setAttribute('aria-current', String(d.id === current));
      b.addEventListener('click', () => void connect(d));
      return b;
    }),
  );
  byId('add').hidden = listDevices().length === 0;
}

const preview: PreviewEvents = {
  forbidden(path, text) {
    showProblem(
      `Not granted (403) for ${path}: ${text || 'this browser may not open it'}. On the device, grant it (list the paths it has already with \`lanrtc peers\`, the grant replaces them):`,
      `lanrtc peers grant ${agent.id} ${SCOPE} ${path.split('?')[0]}`,
    );
  },
  bridgeFailed(text) {
    if (text.includes('HttpServiceRefusedError')) {
      showProblem('The device refuses this browser (revoked?).', undefined, () => void reconnect());
      return;
    }
    showProblem(`The request did not reach the device: ${text}`, undefined, () => void reconnect());
  },
  opened: () => clearProblem(),
};

/** Connect to `device` (with `pin` on first contact) and show its service. */
async function connect(device: RememberedDevice, pin?: string): Promise<void> {
  await disconnect();
  clearProblem();
  byId('start-text').textContent = `Connecting to ${device.name}…`;
  if (!pin) showScreen('start');
  let connection: BrowserConnection;
  try {
    const card = rememberedCard(device.card);
    const fresh = card.expiresAt * 1000 > Date.now();
    connection = await agent.connectDirect(fresh ? device.card : card, {
      timeoutMs: CONNECT_TIMEOUT_MS,
      ...(pin ? { pairing: { kind: 'pin', pin } } : {}),
    });
  } catch (error) {
    if (pin) throw error; // the PIN form says it
    if (isNotPaired(error)) {
      askPin(
        device.card,
        `${device.name} does not know this browser any more (revoked?). Pair again with its PIN:`,
      );
      return;
    }
    showProblem(
      `Cannot reach ${device.name}: ${errorText(error)} Is \`lanrtc expose\` running on it, and is this computer on the same network?`,
      undefined,
      () => void connect(device),
    );
    showScreen('pair');
    showCardForm();
    return;
  }
  let client: HttpClient;
  try {
    client = await openHttpClient(connection);
  } catch (error) {
    await connection.close();
    showProblem(`${device.name} has no web service for this browser: ${errorText(error)}`);
    return;
  }
  const remembered = { ...device, lastSeen: Date.now() };
  rememberDevice(remembered);
  live = { device: remembered, connection, client };
  clients.set(device.id, client);
  const ended = (why: string) => {
    if (live?.connection !== connection) return;
    clients.delete(device.id);
    byId('device-state').textContent = 'disconnected';
    showProblem(`The connection to ${device.name} closed: ${why}.`, undefined, () => void connect(device));
  };
  void connection.ended.then((reason) =>
    ended(
      reason === 'closed'
        ? 'closed here'
        : `${reason} (the device stopped, or revoked this browser: then Connect again asks for a PIN)`,
    ),
  );
  client.closed.then(
    () => undefined,
    (error: { name?: string; code?: string }) =>
      ended(
        error?.code === 'not-allowed'
          ? 'the device revoked this browser (pair again with its PIN after it allows it)'
          : errorText(error),
      ),
  );
  byId('device-name').textContent = device.name;
  byId('device-state').textContent =
    `connected (${connection.path})${connection.paired ? ', paired now' : ''}`;
  byId('files').replaceChildren();
  byId<HTMLIFrameElement>('site').hidden = true;
  renderDevices();
  showScreen('device');
  await openPath(device.id, '/', preview).catch((error: unknown) =>
    showProblem(`Could not open /: ${errorText(error)}`),
  );
}

async function disconnect(): Promise<void> {
  const was = live;
  live = undefined;
  if (!was) return;
  clients.delete(was.device.id);
  was.client.close();
  await was.connection.close();
}

const reconnect = () => (live ? connect(live.device) : Promise.resolve());

function showCardForm(): void {
  byId('pair-title').textContent = 'Add a device';
  byId('card-form').hidden = false;
  byId('pin-form').hidden = true;
  byId('scan').hidden = globalThis.navigator?.mediaDevices === undefined;
  byId('pair-error').hidden = true;
}

function askPin(text: string, lead: string): void {
  const card = rememberedCard(text);
  pinFor = { text, card };
  byId('pair-title').textContent = `Pair with ${card.name}`;
  byId('pin-lead').textContent = lead;
  byId('card-form').hidden = true;
  byId('pin-form').hidden = false;
  byId('pair-error').hidden = true;
  byId<HTMLInputElement>('pin').value = '';
  showScreen('pair');
  byId('pin').focus();
}

/** Run a form action with its buttons disabled; its error is said under the form. */
async function busy(action: () => Promise<void>): Promise<void> {
  const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('#screen-pair button'));
  for (const b of buttons) b.disabled = true;
  byId('pair-error').hidden = true;
  try {
    await action();
  } catch (error) {
    byId('pair-error').hidden = false;
    byId('pair-error').textContent = errorText(error);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

/** A card pasted or scanned: a known device connects, a pairing card pairs, a plain one asks the PIN. */
async function useCardText(text: string): Promise<void> {
  const { card, secret } = cardFromQrText(text.trim());
  const device = { id: card.id, name: card.name, card: text.trim(), lastSeen: Date.now() };
  if (secret || (await agent.trust.get(card.id))) {
    await connect(device);
    return;
  }
  askPin(
    device.card,
    `Enter the 6-digit PIN that \`lanrtc expose … --pin\` shows on ${card.name}. You do this once.`,
  );
}

byId('card-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void busy(() => useCardText(byId<HTMLTextAreaElement>('card-text').value));
});
byId('scan').addEventListener('click', () => {
  const video = byId<HTMLVideoElement>('scan-video');
  video.hidden = false;
  void busy(async () => {
    try {
      await useCardText(await scanQrFromCamera({ video, accept: (t) => t.toUpperCase().startsWith('LR1:') }));
    } finally {
      video.hidden = true;
    }
  });
});
byId('pin').addEventListener('input', () => {
  const input = byId<HTMLInputElement>('pin');
  input.value = input.value.replace(/\D/g, '').slice(0, 6);
});
byId('pin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const asked = pinFor;
  if (!asked) return;
  void busy(() =>
    connect(
      { id: asked.card.id, name: asked.card.name, card: asked.text, lastSeen: Date.now() },
      byId<HTMLInputElement>('pin').value,
    ),
  );
});
byId('pin-cancel').addEventListener('click', () => showCardForm());
byId('add').addEventListener('click', () => {
  void disconnect().then(() => {
    renderDevices();
    showCardForm();
    showScreen('pair');
  });
});
byId('path-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!live) return;
  const path = byId<HTMLInputElement>('path').value.trim() || '/';
  void openPath(live.device.id, path.startsWith('/') ? path : `/${path}`, preview).catch((error: unknown) =>
    showProblem(`Could not open ${path}: ${errorText(error)}`),
  );
});
byId('show-site').addEventListener('click', () => {
  if (!live) return;
  const site = byId<HTMLIFrameElement>('site');
  site.hidden = !site.hidden;
  if (!site.hidden) site.src = lanUrl(live.device.id, byId<HTMLInputElement>('path').value || '/');
});

async function start(): Promise<void> {
  if (!('serviceWorker' in navigator)) {
    byId('start-text').textContent =
      'This page has no service worker: open it on a secure origin (http://localhost:PORT as `pnpm --filter lan-web start` prints it, or https), not http://<lan-ip>.';
    return;
  }
  await navigator.serviceWorker.register('./sw.js', { type: 'module' });
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller)
    await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  agent = await createBrowserAgent({ dbName: 'lan-web' });
  serveLanRoutes(navigator.serviceWorker, { resolve: (device) => clients.get(device) });
  renderDevices();
  const last = listDevices()[0];
  if (last) await connect(last);
  else {
    showCardForm();
    showScreen('pair');
  }
}

start().catch((error: unknown) => {
  byId('start-text').textContent = `The page could not start: ${errorText(error)}`;
});
