/**
 * The page the doorbell itself served (`http://<lan-ip>:8080/`, an insecure context): one doorbell,
 * described by `/doorbell.json`, reached through the relay on the same origin. The first visit
 * pairs with the PIN the doorbell shows; later visits open straight to the live video.
 */
import { type BrowserAgent, createBrowserAgent } from '@lanrtc/browser-client';
import type { DoorbellInfo } from '../shared/info.js';
import { app } from './app-state.js';
import { startSession } from './live-session.js';
import { showPinForm } from './pair-screen.js';

/** Start the device-served viewer for the doorbell `info` describes. */
export async function startDeviceServed(info: DoorbellInfo): Promise<void> {
  app.mode = 'device-served';
  let agent: BrowserAgent | undefined;
  // The relay's first login is not retried by the client; the link's backoff retries it here.
  const ensureAgent = async () => {
    agent ??= await createBrowserAgent({ relay: `ws://${location.host}${info.relayPath}` });
    app.agent = agent;
    return agent;
  };

  const live = () =>
    void startSession({
      id: info.id,
      name: info.name,
      open: async () => (await ensureAgent()).connect(info.id),
      unpaired: (error) => {
        app.lastError = error;
        pair();
      },
    });

  const pair = () =>
    showPinForm(
      info.name,
      {
        async pin(pin) {
          await (await ensureAgent()).enterPin(info.id, pin);
          live();
        },
        cardText: async () => {},
        scan: async () => {},
        cancel: () => {},
      },
      false,
    );

  let known = false;
  try {
    known = (await (await ensureAgent()).trust.get(info.id)) !== undefined;
  } catch (error) {
    // The relay is down: the live screen says so and keeps retrying; pairing is asked for when it answers.
    app.lastError = error;
    known = true;
  }
  if (known) live();
  else pair();
}
