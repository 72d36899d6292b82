/**
 * The doorbell viewer's entry: one code base, two ways in. Opened from the doorbell's own web
 * server, `/doorbell.json` answers and the page reaches the doorbell through its relay
 * (device-served mode); opened anywhere else (the installed app on a secure origin) there is no such
 * document, and doorbells are reached directly from their cards.
 */
import { DOORBELL_INFO_PATH, parseDoorbellInfo } from '../shared/info.js';
import { app } from './app-state.js';
import { startDeviceServed } from './device-served.js';
import { startDirect } from './direct.js';
import { byId } from './dom.js';
import { errorText } from './error-text.js';
import { currentSession } from './live-session.js';
import { registerServiceWorker } from './sw-register.js';
import { wireTalkButton } from './talk-button.js';
import { installTestHooks } from './test-hooks.js';

/** The doorbell's info when this page came from the doorbell, else undefined. */
async function deviceInfo() {
  try {
    const response = await fetch(new URL(DOORBELL_INFO_PATH, location.origin), { cache: 'no-store' });
    if (!response.ok) return undefined;
    return parseDoorbellInfo(await response.json());
  } catch {
    return undefined;
  }
}

installTestHooks();
// A closing tab says goodbye, so the doorbell frees this viewer at once rather than when ICE gives
// up on it; a page the browser kept in its back-forward cache starts afresh when shown again.
addEventListener('pagehide', () => void currentSession()?.link.connection?.close());
addEventListener('pageshow', (event) => {
  if (event.persisted) location.reload();
});
wireTalkButton(
  () => currentSession()?.talk,
  (error) => {
    app.lastError = error;
  },
);

const info = await deviceInfo();
try {
  if (info) await startDeviceServed(info);
  else {
    registerServiceWorker();
    await startDirect();
  }
} catch (error) {
  app.lastError = error;
  byId('screen-loading').querySelector('p')?.replaceChildren(errorText(error));
}
