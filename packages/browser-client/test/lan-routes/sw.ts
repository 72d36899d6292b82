/**
 * The test app's service worker: the `/lan/` bridge imported by package name, as an app's own worker
 * script does, plus the usual take-over-at-once so the first page load is controlled.
 */
import { installLanRoutes, type LanRoutesScope } from '@lanrtc/browser-client/lan-routes-worker';

/** The service-worker members used here (the type check runs with the DOM library, not WebWorker). */
interface WorkerSelf extends LanRoutesScope {
  skipWaiting(): Promise<void>;
  readonly clients: LanRoutesScope['clients'] & { claim(): Promise<void> };
  addEventListener(type: string, listener: (event: never) => void): void;
}
declare const self: WorkerSelf;

installLanRoutes(self, { ackTimeoutMs: 1_000 });
self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event: { waitUntil(p: Promise<void>): void }) =>
  event.waitUntil(self.clients.claim()),
);
