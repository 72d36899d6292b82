/**
 * The live screen: the doorbell's video (muted until the user unmutes it), the connection's state,
 * the unreachable notice with its retry countdown, the ring banner (30 s or until dismissed) and
 * the history strip of snapshots.
 */
import { byId, ringTime } from './dom.js';
import type { LinkState } from './doorbell-link.js';
import { errorText } from './error-text.js';
import { playChime, type Ring, unlockChime } from './rings.js';

const BANNER_MS = 30_000;
const STATE_WORDS: Record<LinkState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  unreachable: 'Unreachable',
  unpaired: 'Not paired',
  closed: 'Closed',
};

const video = byId<HTMLVideoElement>('video');
let framesPresented = 0;
/** When the first frame was presented (`performance.now()`, ms since navigation start), or undefined. */
let firstFrameAt: number | undefined;
let bannerTimer: ReturnType<typeof setTimeout> | undefined;
let countdown: ReturnType<typeof setInterval> | undefined;

const onFrame = () => {
  framesPresented += 1;
  firstFrameAt ??= performance.now();
  byId('no-video').hidden = true;
  video.requestVideoFrameCallback(onFrame);
};
video.requestVideoFrameCallback(onFrame);

byId('unmute').addEventListener('click', () => {
  video.muted = !video.muted;
  unlockChime();
  void video.play().catch(() => {});
  byId('unmute').setAttribute('aria-pressed', String(!video.muted));
  byId('unmute').textContent = video.muted ? 'Sound off' : 'Sound on';
});
byId('banner-close').addEventListener('click', () => hideBanner());
// Any touch of the page lets the chime play later (autoplay policy).
document.addEventListener('pointerdown', unlockChime, { once: true });

/** The `<video>`, how many frames it presented (requestVideoFrameCallback) and when the first one was. */
export const liveVideo = {
  element: video,
  framesPresented: () => framesPresented,
  firstFrameAt: () => firstFrameAt,
};

/** Play the doorbell's stream (a new connection's, or the same one with a track more). */
export function showStream(stream: MediaStream): void {
  if (video.srcObject !== stream) {
    video.srcObject = stream;
    byId('no-video').hidden = false;
  }
  void video.play().catch(() => {});
}

/** Show the link's state in the pill, and the unreachable notice with a countdown to `retryAt`. */
export function showLinkState(state: LinkState, retryAt: number | undefined, error: Error | undefined): void {
  const pill = byId('link-state');
  pill.dataset.state = state;
  pill.textContent = STATE_WORDS[state];
  const unreachable = state === 'unreachable';
  byId('unreachable').hidden = !unreachable;
  if (countdown) clearInterval(countdown);
  countdown = undefined;
  if (!unreachable) return;
  byId('unreachable-why').textContent = error ? errorText(error) : '';
  const tick = () => {
    const s = retryAt === undefined ? 0 : Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
    byId('retry-in').textContent = s > 0 ? `Trying again in ${s} s` : 'Trying again…';
  };
  tick();
  countdown = setInterval(tick, 1000);
}

/** The retry button's action. */
export function onRetry(listener: () => void): void {
  byId('retry').addEventListener('click', listener);
}

/** How many viewers the doorbell has now (shown when more than this one). */
export function showViewers(count: number): void {
  const chip = byId('viewers');
  chip.hidden = count < 2;
  chip.textContent = `${count} watching`;
}

/** A ring happening now: banner with the doorbell's name and time, and the chime. */
export function announceRing(ring: Ring, name: string): void {
  byId('banner-title').textContent = `${name}: someone is at the door`;
  byId('banner-time').textContent = ringTime(ring.at);
  const img = byId<HTMLImageElement>('banner-img');
  img.hidden = !ring.url;
  if (ring.url) img.src = ring.url;
  byId('banner').hidden = false;
  if (bannerTimer) clearTimeout(bannerTimer);
  bannerTimer = setTimeout(hideBanner, BANNER_MS);
  playChime();
}

function hideBanner(): void {
  if (bannerTimer) clearTimeout(bannerTimer);
  bannerTimer = undefined;
  byId('banner').hidden = true;
  byId<HTMLImageElement>('banner-img').removeAttribute('src');
}

/** Redraw the history strip, newest first. */
export function showHistory(rings: readonly Ring[]): void {
  const list = byId('history');
  byId('history-empty').hidden = rings.length > 0;
  list.replaceChildren(
    ...rings.map((ring) => {
      const li = document.createElement('li');
      if (!ring.past) li.className = 'now';
      const figure = document.createElement('figure');
      if (ring.url) {
        const img = document.createElement('img');
        img.src = ring.url;
        img.alt = `Snapshot of the ring at ${ringTime(ring.at)}`;
        img.loading = 'lazy';
        figure.append(img);
      } else {
        const none = document.createElement('div');
        none.className = 'no-snap';
        none.textContent = 'no picture';
        figure.append(none);
      }
      const caption = document.createElement('figcaption');
      caption.textContent = ringTime(ring.at);
      figure.append(caption);
      li.append(figure);
      return li;
    }),
  );
}

/** Clear the screen for another doorbell. */
export function resetLive(): void {
  hideBanner();
  video.srcObject = null;
  byId('no-video').hidden = false;
  showViewers(0);
}
