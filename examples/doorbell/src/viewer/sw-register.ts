/** Register the service worker where the page may have one (secure contexts only). */
export function registerServiceWorker(): void {
  const container = globalThis.navigator?.serviceWorker;
  if (!container) return;
  // `./sw.js` next to the page: its scope is the app's directory, whatever path it is served under.
  container.register('./sw.js', { scope: './' }).catch(() => {
    // Without a worker the app still runs; it only will not open offline.
  });
}
