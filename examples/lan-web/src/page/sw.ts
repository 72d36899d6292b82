/**
 * The page's service worker: the `/lan/<device>/<path>` bridge (browser-client `installLanRoutes`),
 * which asks the open page (it holds the device connections) for every request under /lan/, so
 * `<img>`, `<video>`, iframes and download links load from a paired device on this origin.
 */
import { installLanRoutes, type LanRoutesScope } from '@lanrtc/browser-client/lan-routes-worker';

/** The service-worker members used here (the type check runs with the DOM library, not WebWorker). */
interface WorkerSelf extends LanRoutesScope {
  skipWaiting(): Promise<void>;
  readonly clients: LanRoutesScope['clients'] & { claim(): Promise<void> };
  addEventListener(type: string, listener: (event: never) => void): void;
}
declare const self: WorkerSelf;

installLanRoutes(self);
// Take over at once, so the first visit's page is controlled without a reload.
self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event: { waitUntil(p: Promise<void>): void }) =>
  event.waitUntil(self.clients.claim()),
);
