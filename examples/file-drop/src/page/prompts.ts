/**
 * The two questions the page puts to its user, one dialog at a time: accept or decline an incoming
 * offer, and (first contact between two pages) do both screens show the same six digits.
 */
import type { AbortSignalLike, TransferOffer } from '@lanrtc/signal-core';
import { formatBytes } from '../shared/format.js';
import { byId, h } from './dom.js';

// One dialog at a time: a second offer waits for the first answer.
let queue: Promise<unknown> = Promise.resolve();

function ask<T>(run: () => Promise<T>): Promise<T> {
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

function answer(dialog: HTMLDialogElement, signal?: AbortSignalLike): Promise<string> {
  return new Promise((resolve) => {
    const onAbort = () => dialog.close('abort');
    signal?.addEventListener('abort', onAbort);
    dialog.addEventListener(
      'close',
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(dialog.returnValue);
      },
      { once: true },
    );
    dialog.returnValue = '';
    dialog.showModal();
  });
}

/** Ask whether to take `offer` from `fromName`; resolves true for Accept. */
export function askOffer(offer: TransferOffer, fromName: string): Promise<boolean> {
  return ask(async () => {
    const n = offer.files.length;
    byId('offer-title').textContent = `${fromName} wants to send you ${n} file${n === 1 ? '' : 's'}`;
    const list = byId('offer-files');
    list.replaceChildren(
      ...offer.files.slice(0, 50).map((f) => h('li', '', `${f.path} — ${formatBytes(f.size)}`)),
      ...(n > 50 ? [h('li', 'muted', `… and ${n - 50} more`)] : []),
    );
    byId('offer-total').textContent =
      `${formatBytes(offer.totalBytes)} in all; each file is saved as a download.`;
    return (await answer(byId<HTMLDialogElement>('offer-dialog'))) === 'accept';
  });
}

/** Show the comparison digits for pairing with `peerName`; resolves true when the user says they match. */
export function askCompare(digits: string, peerName: string, signal: AbortSignalLike): Promise<boolean> {
  return ask(async () => {
    if (signal.aborted) return false;
    byId('compare-peer').textContent = peerName;
    byId('compare-digits').textContent = `${digits.slice(0, 3)} ${digits.slice(3)}`;
    return (await answer(byId<HTMLDialogElement>('compare-dialog'), signal)) === 'yes';
  });
}
