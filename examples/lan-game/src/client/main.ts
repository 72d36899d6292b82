/**
 * The player's page: read the invite from the URL fragment (`#join=<invite>`), ask for a name (kept in
 * localStorage), join the room through the host's relay (same origin), then run the game: a fixed
 * 60 Hz input/prediction loop and a drawing loop on animation frames.
 * Fragment options: `name=<name>` skips the name form (as does a name typed before); `jitter=<ms>` and `loss=<percent>` turn on the
 * network simulation (a debug option, see network-sim.ts).
 */
import { type BrowserAgent, createBrowserAgent, decodeRoomInvite } from '@lanrtc/browser-client';
import { MAX_NAME_BYTES, TICK_MS } from '../shared/constants.js';
import { JOIN_PARAM, RELAY_PATH } from '../shared/paths.js';
import { createControls } from './controls.js';
import type { GameClient } from './game-client.js';
import { updateHud } from './hud.js';
import { type NetworkSimulationStats, networkSimulationFromParams } from './network-sim.js';
import { drawArena } from './render.js';
import { runSession, type SessionState } from './session.js';
import { installTestHooks, type PageState } from './test-hooks.js';

const NAME_KEY = 'lan-game-name';
const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.hash.slice(1));
const simulation = networkSimulationFromParams(params);
const simulationStats: NetworkSimulationStats = { delayed: 0, dropped: 0 };

const page: PageState = {
  screen: 'message',
  session: undefined,
  rejoins: 0,
  error: undefined,
  simulation: simulation ? { ...simulation, stats: simulationStats } : undefined,
  stickOverride: undefined,
  dashOverride: false,
};
installTestHooks(page);

function show(screen: 'message' | 'name' | 'game'): void {
  page.screen = screen;
  for (const s of ['message', 'name', 'game']) el(`screen-${s}`).hidden = s !== screen;
}

function message(title: string, text: string): void {
  el('message-title').textContent = title;
  el('message-text').textContent = text;
  show('message');
}

async function askName(): Promise<string> {
  const fromUrl = params.get('name');
  if (fromUrl && validName(fromUrl)) {
    // Remembered like a typed one: the plain link later (a reload, a rejoin) asks nothing.
    localStorage.setItem(NAME_KEY, fromUrl.trim());
    return fromUrl.trim();
  }
  // Typed once: a reload or a later game joins with the same name, nothing to type.
  const stored = localStorage.getItem(NAME_KEY);
  if (stored && validName(stored)) return stored.trim();
  const input = el<HTMLInputElement>('name-input');
  show('name');
  input.focus();
  return new Promise((resolve) => {
    el<HTMLFormElement>('name-form').addEventListener('submit', function submit(e) {
      e.preventDefault();
      const name = input.value.trim();
      if (!validName(name)) {
        el('name-error').textContent = `A name of 1–${MAX_NAME_BYTES} bytes, please.`;
        el('name-error').hidden = false;
        return;
      }
      el<HTMLFormElement>('name-form').removeEventListener('submit', submit);
      localStorage.setItem(NAME_KEY, name);
      resolve(name);
    });
  });
}

const validName = (name: string) =>
  name.trim() !== '' && new TextEncoder().encode(name.trim()).length <= MAX_NAME_BYTES;

/** The game loop: inputs and prediction at a fixed 60 Hz (an accumulator on animation frames), drawing every frame. */
function runGame(getClient: () => GameClient | undefined, ownRtt: () => number | undefined): void {
  const controls = createControls(el('pad'), el('dash'), el('knob'));
  const canvas = el<HTMLCanvasElement>('arena');
  let last = performance.now();
  let carry = 0;
  let hudAt = 0;
  const frame = (now: number) => {
    const client = getClient();
    // A page in the background gets no frames; on return it does not replay the whole gap.
    carry = Math.min(carry + (now - last), TICK_MS * 8);
    last = now;
    while (client && carry >= TICK_MS) {
      carry -= TICK_MS;
      const stick = controls.stick();
      const o = page.stickOverride;
      const dash = stick.dash || page.dashOverride;
      page.dashOverride = false;
      client.step(o ? { dx: o.dx, dy: o.dy, dash } : { ...stick, dash });
    }
    if (client) {
      drawArena(canvas, client.view(), client.coins, now);
      if (now - hudAt > 200) {
        hudAt = now;
        updateHud(client, ownRtt());
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

async function main(): Promise<void> {
  const inviteText = params.get(JOIN_PARAM);
  if (!inviteText) {
    message('LAN game', "Scan the QR code on the host's screen (or open the link it shows) to join.");
    return;
  }
  let hostName = 'LAN game';
  try {
    decodeRoomInvite(inviteText);
  } catch (error) {
    page.error = (error as Error).name;
    message('LAN game', 'This link is damaged. Scan the QR code on the host again.');
    return;
  }
  const name = await askName();
  message('LAN game', 'Joining…');
  let agent: BrowserAgent;
  try {
    const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${RELAY_PATH}`;
    agent = await createBrowserAgent({ relay: wsUrl, dbName: 'lan-game' });
  } catch (error) {
    page.error = (error as Error).name;
    message('Cannot start', `${(error as Error).name}: this browser cannot keep the game's identity.`);
    return;
  }
  let started = false;
  const onState = (state: SessionState) => {
    page.session = state;
    if (state.kind === 'playing') {
      hostName = state.room.host.name;
      el('game-title').textContent = hostName;
      document.title = hostName;
      el('hud-link').textContent = 'connected';
      el('hud-link').dataset.state = 'connected';
      show('game');
      if (!started) {
        started = true;
        runGame(
          () => (page.session?.kind === 'playing' ? page.session.client : undefined),
          () =>
            page.session?.kind === 'playing' ? page.session.room.rtt(page.session.room.host.id) : undefined,
        );
      }
    } else if (state.kind === 'reconnecting') {
      if (state.attempt === 1 && state.why !== 'joining') page.rejoins++;
      if (page.screen === 'game') {
        el('hud-link').textContent = 'reconnecting…';
        el('hud-link').dataset.state = 'reconnecting';
      } else message(hostName, 'Reconnecting…');
    } else if (state.kind === 'over') message('Game over', state.message);
    else message(hostName, 'Joining…');
  };
  await runSession({
    agent,
    inviteText,
    name,
    ...(simulation ? { simulation, simulationStats } : {}),
    onState,
  });
  await agent.close();
}

main().catch((error: Error) => {
  page.error = error.name;
  message('Something went wrong', `${error.name}: ${error.message}`);
});
