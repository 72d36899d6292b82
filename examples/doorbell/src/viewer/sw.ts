/**
 * The viewer's service worker: precache the app shell (every built file, listed at build time by
 * src/build/precache-plugin.ts) so the installed app opens with no network, and answer the page's
 * own requests from that cache first. Nothing else is intercepted: the doorbell is reached by WebRTC,
 * never through fetch. Each build has its own cache; older ones are deleted on activation.
 */

// Filled in by the build (precache-plugin.ts); the strings are placeholders until then.
const PRECACHE = '__DOORBELL_PRECACHE__' as unknown as string[];
const CACHE = '__DOORBELL_CACHE__' as string;

// The DOM lib types `self` as a Window; these are the few ServiceWorkerGlobalScope members used.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
const scope = self as unknown as {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  registration: { scope: string };
};

scope.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => scope.skipWaiting()),
  );
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => scope.clients.claim()),
  );
});

scope.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(scope.registration.scope)) return;
  const url = new URL(request.url);
  // A navigation (any path under the scope) is the app shell; everything else by its own URL.
  const key = request.mode === 'navigate' ? new URL('./', scope.registration.scope).href : url.href;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(key, { ignoreSearch: request.mode === 'navigate' });
      return hit ?? fetch(request);
    }),
  );
});
