/**
 * One doorbell on the live screen: its link (connect, reconnect), rings, viewers count and
 * talk-back, wired to the live screen. Switching doorbells ends the session and starts another.
 */
import type { BrowserConnection } from '@lanrtc/browser-client';
import type { DeviceMessage } from '../shared/messages.js';
import { app } from './app-state.js';
import { byId, showScreen } from './dom.js';
import { createDoorbellLink, type DoorbellLink, type LinkState } from './doorbell-link.js';
import {
  announceRing,
  onRetry,
  resetLive,
  showHistory,
  showLinkState,
  showStream,
  showViewers,
} from './live-screen.js';
import { createRingList, type RingList } from './rings.js';
import { createTalk, type Talk } from './talk.js';
import { resetTalkButton } from './talk-button.js';

/** What the session needs from the app. */
export interface SessionInit {
  readonly id: string;
  readonly name: string;
  open(signal: AbortSignal): Promise<BrowserConnection>;
  /** The doorbell greeted (its current name and card). */
  hello?(message: Extract<DeviceMessage, { t: 'hello' }>): void;
  /** The doorbell no longer knows this viewer: pair again. */
  unpaired(error: Error): void;
}

/** A running session. */
export interface LiveSession {
  readonly id: string;
  readonly name: string;
  readonly link: DoorbellLink;
  readonly rings: RingList;
  readonly talk: Talk | undefined;
  readonly badFrames: number;
  readonly viewers: number;
  close(): Promise<void>;
}

let current: LiveSession | undefined;
onRetry(() => current?.link.retryNow());

/** Show the live screen for one doorbell and keep it connected; ends the previous session. */
export async function startSession(init: SessionInit): Promise<LiveSession> {
  await current?.close();
  resetLive();
  let name = init.name;
  let badFrames = 0;
  let viewers = 0;
  let talk: Talk | undefined;
  const rings = createRingList();
  byId('doorbell-name').textContent = name;
  document.title = `${name} · Doorbell`;
  showHistory([]);
  showScreen('live');
  showLinkState('connecting', undefined, undefined);

  const link = createDoorbellLink({
    open: init.open,
    state(state: LinkState, error?: Error) {
      if (error && state !== 'reconnecting') app.lastError = error;
      if (state !== 'live') {
        talk?.stop();
        talk = undefined;
        resetTalkButton();
      } else if (link.connection) talk = createTalk(link.connection, (m) => link.send(m));
      showLinkState(state, link.retryAt, error);
      if (state === 'unpaired' && error) init.unpaired(error);
    },
    stream: showStream,
    hello(message) {
      name = message.name;
      byId('doorbell-name').textContent = name;
      init.hello?.(message);
    },
    ring(received) {
      const ring = rings.add(received);
      showHistory(rings.rings);
      if (ring && !ring.past) announceRing(ring, name);
    },
    viewers(count) {
      viewers = count;
      showViewers(count);
    },
    bad() {
      badFrames += 1;
    },
  });

  const session: LiveSession = {
    id: init.id,
    get name() {
      return name;
    },
    link,
    rings,
    get talk() {
      return talk;
    },
    get badFrames() {
      return badFrames;
    },
    get viewers() {
      return viewers;
    },
    async close() {
      if (current === session) current = undefined;
      talk?.stop();
      await link.close();
      rings.clear();
    },
  };
  current = session;
  return session;
}

/** The session on screen, if any. */
export function currentSession(): LiveSession | undefined {
  return current;
}
