/**
 * `globalThis.doorbellViewer`: what end-to-end tests read and do without clicking. The actions go
 * through the same code as the page's forms and buttons.
 */
import { app } from './app-state.js';
import { errorName } from './error-text.js';
import { liveVideo } from './live-screen.js';
import { currentSession } from './live-session.js';
import { submitCardText, submitPin } from './pair-screen.js';

/** A snapshot of the viewer for tests. */
export interface ViewerState {
  mode: string;
  screen: 'loading' | 'pair' | 'live' | 'unreachable';
  /** The link's state: connecting, live, reconnecting, unreachable, unpaired, closed (or none). */
  connection: string;
  remote: string | undefined;
  name: string | undefined;
  video: {
    width: number;
    height: number;
    framesPresented: number;
    /** `performance.now()` (ms since navigation start) of the first presented frame, or undefined. */
    firstFrameAt: number | undefined;
    framesDecoded: number;
    muted: boolean;
  };
  rings: { id: string; at: number; receivedAt: number; past: boolean; jpegBytes: number }[];
  talk: { on: boolean; packetsSent: number; available: boolean };
  viewers: number;
  badFrames: number;
  /** The last error's name (a device's rejection by its reason), or undefined. */
  lastError: string | undefined;
}

const visible = (id: string) => document.getElementById(id)?.hidden === false;

async function state(): Promise<ViewerState> {
  const s = currentSession();
  const c = s?.link.connection;
  let framesDecoded = 0;
  if (c)
    (await c.peer.pc.getStats()).forEach((r: { type: string; kind?: string; framesDecoded?: number }) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') framesDecoded += r.framesDecoded ?? 0;
    });
  const live = visible('screen-live');
  return {
    mode: app.mode,
    screen: visible('screen-pair')
      ? 'pair'
      : live && visible('unreachable')
        ? 'unreachable'
        : live
          ? 'live'
          : 'loading',
    connection: s?.link.state ?? 'none',
    remote: c?.remote.id,
    name: s?.name,
    video: {
      width: liveVideo.element.videoWidth,
      height: liveVideo.element.videoHeight,
      framesPresented: liveVideo.framesPresented(),
      firstFrameAt: liveVideo.firstFrameAt(),
      framesDecoded,
      muted: liveVideo.element.muted,
    },
    rings: (s?.rings.rings ?? []).map(({ id, at, receivedAt, past, jpegBytes }) => ({
      id,
      at,
      receivedAt,
      past,
      jpegBytes,
    })),
    talk: {
      on: s?.talk?.on ?? false,
      packetsSent: (await s?.talk?.packetsSent()) ?? 0,
      available: globalThis.navigator?.mediaDevices !== undefined,
    },
    viewers: s?.viewers ?? 0,
    badFrames: s?.badFrames ?? 0,
    lastError: app.lastError === undefined ? undefined : errorName(app.lastError),
  };
}

/** Run an action; resolve with `{ ok }` or the error's name (tests branch on names, never on throws). */
async function outcome(run: () => Promise<unknown>): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await run();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: errorName(error) };
  }
}

/** Put the hooks on `globalThis.doorbellViewer`. */
export function installTestHooks(): void {
  (globalThis as { doorbellViewer?: unknown }).doorbellViewer = {
    state,
    enterPin: (pin: string) => outcome(() => submitPin(pin)),
    connectText: (text: string) =>
      outcome(async () => {
        app.showAdd?.();
        await submitCardText(text);
      }),
    pressTalk: () =>
      outcome(async () => {
        const talk = currentSession()?.talk;
        if (!talk) throw new Error('no live connection to talk on');
        await talk.press();
      }),
    releaseTalk: () => outcome(async () => currentSession()?.talk?.release()),
    retryNow: () => outcome(async () => currentSession()?.link.retryNow()),
  };
}
