/**
 * Page steps shared by the `/lan/` bridge tests: fetch a URL whole or one chunk of it (then cancel),
 * load an `<img>`, play and seek a `<video>` — each through whatever the page's service worker does
 * with the URL.
 */
let pending: ReadableStreamDefaultReader<Uint8Array> | undefined;

export const mediaSteps = {
  /** Start a fetch and read one chunk, then stop reading (a slow consumer). */
  async readOne(url: string) {
    const r = await fetch(url);
    pending = r.body?.getReader();
    const first = await pending?.read();
    return first?.value?.byteLength ?? 0;
  },
  /** Cancel the body `readOne` started. */
  async cancelPending() {
    await pending?.cancel();
  },
  /** A fetch through the bridge, whole: status, headers and body text. */
  async get(url: string, init?: RequestInit) {
    const r = await fetch(url, init);
    return {
      status: r.status,
      type: r.headers.get('content-type'),
      text: await r.text(),
      range: r.headers.get('content-range'),
    };
  },
  async image(src: string) {
    const img = new Image();
    img.src = src;
    await img.decode();
    return img.naturalWidth;
  },
  /** Play the video, then seek to `to`: where it stands after each step, and the first frame after the seek. */
  async video(src: string, to: number) {
    const v = document.createElement('video');
    v.muted = true;
    v.src = src;
    document.body.append(v);
    await v.play();
    await new Promise((r) => v.requestVideoFrameCallback(r));
    const before = v.currentTime;
    const seeked = new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    v.currentTime = to;
    await seeked;
    const frame = await new Promise<number>((r) => v.requestVideoFrameCallback((_, m) => r(m.mediaTime)));
    const result = {
      before,
      after: v.currentTime,
      frameMediaTime: frame,
      readyState: v.readyState,
      width: v.videoWidth,
    };
    v.remove();
    return result;
  },
};

/** Register the app's service worker (`/sw.js`, a module) and wait until it controls this page. */
export async function registerWorker(): Promise<void> {
  await navigator.serviceWorker.register('/sw.js', { type: 'module' });
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller)
    await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
}
