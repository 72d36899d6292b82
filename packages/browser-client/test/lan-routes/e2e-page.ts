/**
 * The end-to-end test's page, on a secure origin in the browser's LAN host: registers the service
 * worker, connects to the device from its pairing card (direct connect, pairing in-band), opens an
 * HTTP client on that connection and serves `/lan/cam/…` from it. Steps on `globalThis.lanE2e`.
 */
import { createBrowserAgent, openHttpClient, serveLanRoutes } from '@lanrtc/browser-client';
import { mediaSteps, registerWorker } from './steps.js';

const api = {
  ...mediaSteps,
  /** Pair with the device from its pairing card's text and serve it as `cam`; resolves with its id. */
  async connect(pairingText: string) {
    const agent = await createBrowserAgent({ dbName: 'lan-e2e' });
    const connection = await agent.connectDirect(pairingText);
    const client = await openHttpClient(connection);
    serveLanRoutes(navigator.serviceWorker, { resolve: (device) => (device === 'cam' ? client : undefined) });
    return { remote: connection.remote.id, paired: connection.paired, secure: isSecureContext };
  },
};
(globalThis as unknown as { lanE2e: typeof api }).lanE2e = api;
export type LanE2ePage = typeof api;
await registerWorker();
(globalThis as unknown as { lanE2eReady: boolean }).lanE2eReady = true;
