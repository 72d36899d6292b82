/**
 * The page's transfers, sent and received: each one's state, its latest progress, and its card in
 * the list (overall bar with rate and ETA, a bar per file, a link to save a received file again).
 */
import type { FileTransfer, TransferProgress, TransferResult } from '@lanrtc/signal-core';
import { formatBytes, formatEta, formatRate, percent } from '../shared/format.js';
import { byId, h } from './dom.js';

/** Where a transfer is, as the page shows it. */
export type TransferState = 'hashing' | 'pairing' | 'waiting' | 'moving' | 'done' | 'failed';

/** One transfer as the page tracks it. */
export interface TransferEntry {
  readonly id: number;
  readonly direction: 'in' | 'out';
  readonly peer: string;
  state: TransferState;
  /** Bytes hashed so far while `hashing`. */
  hashedBytes: number;
  /** How long the sender's hashing pass took (ms), once it is over. */
  hashMs: number | undefined;
  totalBytes: number;
  progress: TransferProgress | undefined;
  result: TransferResult | undefined;
  error: string | undefined;
  /** Received files' object URLs, by path (kept so a file can be saved again). */
  readonly saved: Map<string, string>;
  handle: FileTransfer | undefined;
}

const entries: TransferEntry[] = [];
const cards = new Map<number, HTMLElement>();
let nextId = 1;

/** Every transfer so far (the test hooks read it). */
export function transfers(): readonly TransferEntry[] {
  return entries;
}

/** Start tracking a transfer. */
export function addTransfer(
  direction: 'in' | 'out',
  peer: string,
  totalBytes: number,
  state: TransferState,
): TransferEntry {
  const entry: TransferEntry = {
    id: nextId++,
    direction,
    peer,
    state,
    hashedBytes: 0,
    hashMs: undefined,
    totalBytes,
    progress: undefined,
    result: undefined,
    error: undefined,
    saved: new Map(),
    handle: undefined,
  };
  entries.push(entry);
  render(entry);
  return entry;
}

/** Follow a transfer's handle: progress, result, error. */
export function follow(entry: TransferEntry, handle: FileTransfer): void {
  entry.handle = handle;
  handle.onProgress((p) => {
    entry.progress = p;
    entry.totalBytes = p.totalBytes;
    if (entry.state !== 'done' && entry.state !== 'failed') entry.state = 'moving';
    render(entry);
  });
  handle.done.then(
    (result) => {
      entry.result = result;
      entry.state = 'done';
      render(entry);
    },
    (error: Error) => fail(entry, error),
  );
}

/** Mark a transfer failed with `error`'s name and message. */
export function fail(entry: TransferEntry, error: Error): void {
  entry.state = 'failed';
  entry.error = failureText(error);
  render(entry);
}

/** Redraw `entry`'s card. */
export function render(entry: TransferEntry): void {
  byId('no-transfers').hidden = true;
  let card = cards.get(entry.id);
  if (!card) {
    card = h('li', 'transfer');
    card.dataset.transfer = String(entry.id);
    cards.set(entry.id, card);
    byId('transfers').prepend(card);
  }
  card.className = `transfer ${entry.state}`;
  const p = entry.progress;
  const done = entry.state === 'done' ? entry.totalBytes : (p?.doneBytes ?? 0);
  const head = h('div', 'head');
  head.append(
    h('strong', '', `${entry.direction === 'in' ? 'From' : 'To'} ${entry.peer}`),
    h('span', 'muted', formatBytes(entry.totalBytes)),
    h('span', 'state', stateText(entry)),
  );
  const figures = h(
    'div',
    'muted',
    entry.state === 'moving' && p
      ? `${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)} · ${formatRate(p.bytesPerSecond)} · ${formatEta(p.etaMs)} left`
      : entry.state === 'done' && entry.result
        ? `${formatBytes(entry.result.movedBytes)} in ${(entry.result.durationMs / 1000).toFixed(1)} s (${formatRate(entry.result.movedBytes / Math.max(entry.result.durationMs / 1000, 0.001))}) over the ${entry.result.lane === 'tls' ? 'TLS' : 'DataChannel'} lane`
        : '',
  );
  const files = h('ul', 'files');
  for (const f of p?.files ?? entry.result?.files ?? []) {
    const fileDone = 'doneBytes' in f ? f.doneBytes : f.size;
    const row = h('li');
    const url = entry.saved.get(f.path);
    const name = url ? h('a', 'path', f.path) : h('span', 'path', f.path);
    if (url && name instanceof HTMLAnchorElement) {
      name.href = url;
      name.download = f.path.slice(f.path.lastIndexOf('/') + 1);
      name.title = 'save again';
    }
    row.append(
      name,
      bar(percent(entry.state === 'done' ? f.size : fileDone, f.size)),
      h('span', 'muted', formatBytes(f.size)),
      h('span', 'muted', fileFigures(f, entry)),
    );
    files.append(row);
  }
  const parts: HTMLElement[] = [head, bar(percent(done, entry.totalBytes)), figures, files];
  const handle = entry.handle;
  if (handle && (entry.state === 'waiting' || entry.state === 'moving' || entry.state === 'hashing')) {
    const cancel = h('button', 'link cancel', 'cancel');
    cancel.type = 'button';
    cancel.addEventListener('click', () => handle.cancel());
    parts.push(cancel);
  }
  card.replaceChildren(...parts);
}

/**
 * A file's own rate and time left while it moves. Files move one after another, so the moving
 * file's rate is the transfer's; its time left is what remains of it at that rate.
 */
function fileFigures(
  f: { readonly size: number; readonly doneBytes?: number; readonly state?: string },
  entry: TransferEntry,
): string {
  const p = entry.progress;
  if (entry.state === 'done' || f.state === 'done') return 'done';
  if (f.state === 'held') return 'already there';
  if (f.state !== 'moving' || !p || p.bytesPerSecond <= 0) return f.state === 'waiting' ? 'waiting' : '';
  const left = ((f.size - (f.doneBytes ?? 0)) / p.bytesPerSecond) * 1000;
  return `${formatRate(p.bytesPerSecond)} · ${formatEta(left)}`;
}

function bar(pct: number): HTMLElement {
  const outer = h('div', 'bar');
  const inner = h('div');
  inner.style.width = `${pct}%`;
  outer.append(inner);
  return outer;
}

function stateText(entry: TransferEntry): string {
  switch (entry.state) {
    case 'hashing':
      return `checking files ${percent(entry.hashedBytes, entry.totalBytes)}%`;
    case 'pairing':
      return 'confirm the number on both screens';
    case 'waiting':
      return entry.direction === 'out' ? `waiting for ${entry.peer} to accept` : 'waiting';
    case 'moving':
      return `${percent(entry.progress?.doneBytes ?? 0, entry.totalBytes)}%`;
    case 'done':
      return entry.direction === 'in' ? 'received ✓' : 'sent ✓';
    case 'failed':
      return entry.error ?? 'failed';
  }
}

/** What a failed transfer's card says: the common endings in words, the rest by error name. */
function failureText(error: Error): string {
  const reason = (error as Error & { reason?: string }).reason;
  switch (error.name) {
    case 'TransferDeclinedError':
      return reason === 'declined' || reason === undefined ? 'declined' : `declined (${reason})`;
    case 'TransferCancelledError':
      return 'cancelled';
    case 'TransferAbortedError':
      return reason === 'TransferCancelledError'
        ? 'cancelled by the other side'
        : `stopped by the other side (${reason})`;
    default:
      return `${error.name}: ${error.message}`;
  }
}
