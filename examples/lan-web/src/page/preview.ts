/**
 * The device screen's file browser: open a path of the device through this origin's `/lan/<device>/`
 * (the service worker's bridge), and show what it is by its content type — JSON and text as text, an
 * image, a video or sound that plays and seeks (the browser's own Range requests reach the device),
 * an HTML page as the list of its links (a directory listing becomes a file list) — each with a
 * download link. A refusal is said in words, with what to do.
 */
import { LAN_ROUTE_DOWNLOAD_PARAM } from '@lanrtc/browser-client/lan-routes-worker';
import { byId } from './dom.js';

/** What the preview reports to the app: a refusal or a lost bridge, to show in the problem bar. */
export interface PreviewEvents {
  /** The device answered 403: `text` is its body (which grant is missing), `path` the path asked. */
  forbidden(path: string, text: string): void;
  /** The bridge answered for itself (502/503/404 text/plain from `lanrtc:`): the connection is gone. */
  bridgeFailed(text: string): void;
  /** A path opened fine (clears an earlier problem). */
  opened(path: string): void;
}

const TEXT_LIMIT = 256 * 1024;

/** `/lan/<device><path>`: the URL of `path` on `device` through the bridge. */
export function lanUrl(device: string, path: string): string {
  return `/lan/${encodeURIComponent(device)}${path.startsWith('/') ? path : `/${path}`}`;
}

/** The same URL as a download (the worker adds `content-disposition: attachment`). */
export function downloadUrl(url: string, name: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${LAN_ROUTE_DOWNLOAD_PARAM}=${encodeURIComponent(name)}`;
}

/** The device-relative paths of the links in an HTML page at `path` (same device only, no fragments). */
export function linksOf(html: string, path: string): { path: string; label: string }[] {
  const base = new URL(path, 'http://device.invalid');
  const seen = new Set<string>();
  const links: { path: string; label: string }[] = [];
  for (const a of Array.from(
    new DOMParser().parseFromString(html, 'text/html').querySelectorAll('a[href]'),
  )) {
    let target: URL;
    try {
      target = new URL(a.getAttribute('href') ?? '', base);
    } catch {
      continue;
    }
    if (target.origin !== base.origin) continue; // another host: not this device's
    const p = target.pathname + target.search;
    if (seen.has(p)) continue;
    seen.add(p);
    links.push({ path: p, label: a.textContent?.trim() || p });
  }
  return links;
}

const lastSegment = (path: string) =>
  decodeURIComponent(path.split('?')[0]?.split('/').filter(Boolean).pop() ?? '') || 'download';

/** Open `path` of `device` in the preview; resolves once its head is shown. */
export async function openPath(device: string, path: string, events: PreviewEvents): Promise<void> {
  const head = byId('preview-head');
  const body = byId('preview-body');
  byId<HTMLInputElement>('path').value = path;
  const url = lanUrl(device, path);
  head.textContent = `Opening ${path}…`;
  body.replaceChildren();
  const response = await fetch(url);
  const type = (response.headers.get('content-type') ?? '').toLowerCase();
  const fromBridge = type.startsWith('text/plain') && response.status >= 500;
  if (response.status === 403) {
    const text = (await response.text()).trim();
    head.textContent = `${path}: 403 Forbidden`;
    body.append(paragraph(text));
    events.forbidden(path, text);
    return;
  }
  if (fromBridge) {
    const text = (await response.text()).trim();
    head.textContent = `${path}: ${response.status}`;
    body.append(paragraph(text));
    events.bridgeFailed(text);
    return;
  }
  const size = response.headers.get('content-length');
  head.replaceChildren(
    `${path}: ${response.status} ${type || 'no type'}${size ? `, ${size} bytes` : ''} `,
    link(downloadUrl(url, lastSegment(path)), 'Download'),
  );
  if (!response.ok) {
    body.append(pre((await response.text()).slice(0, TEXT_LIMIT)));
    return;
  }
  events.opened(path);
  if (type.startsWith('image/')) {
    await response.body?.cancel(); // the <img> loads it itself
    const img = document.createElement('img');
    img.alt = path;
    img.src = url;
    body.append(img);
  } else if (type.startsWith('video/') || type.startsWith('audio/')) {
    await response.body?.cancel(); // the element asks for ranges itself, so it can seek
    const media = document.createElement('video');
    media.controls = true;
    media.preload = 'metadata';
    media.src = url;
    body.append(media);
  } else if (type.startsWith('text/html')) {
    const html = await response.text();
    const links = linksOf(html, path);
    showFiles(device, links, events);
    body.append(
      paragraph(`A page with ${links.length} links (listed on the left; Site shows it as a page).`),
    );
  } else if (type.includes('json') || type.startsWith('text/')) {
    const text = (await response.text()).slice(0, TEXT_LIMIT);
    let shown = text;
    if (type.includes('json')) {
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not valid JSON after all: shown as it came
      }
    }
    body.append(pre(shown));
  } else {
    await response.body?.cancel();
    body.append(paragraph('No preview for this type: use Download.'));
  }
}

/** List `links` on the left; clicking one opens it. */
function showFiles(device: string, links: { path: string; label: string }[], events: PreviewEvents): void {
  const files = byId('files');
  files.replaceChildren(
    ...links.map((l) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = l.label;
      b.title = l.path;
      b.addEventListener('click', () => void openPath(device, l.path, events).catch(() => {}));
      return b;
    }),
  );
}

const paragraph = (text: string) => Object.assign(document.createElement('p'), { textContent: text });
const pre = (text: string) => Object.assign(document.createElement('pre'), { textContent: text });
const link = (href: string, text: string) =>
  Object.assign(document.createElement('a'), { href, textContent: text });
