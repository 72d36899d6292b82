/**
 * `startFileTransfer`: wraps a platform's run of negotiation + engine into the `FileTransfer` handle
 * applications get (progress listeners, `done`, `cancel`), so Node and browser return the same shape.
 */
import { type AbortSignalLike, createLinkedAbort } from '../encoding/abort.js';
import { TransferCancelledError } from '../errors.js';
import { createListeners } from '../events.js';
import type { FileTransfer, TransferProgress, TransferResult } from './types.js';

/** What the platform's run gets: the signal to pass to negotiation and engine, and where progress goes. */
export interface FileTransferContext {
  readonly signal: AbortSignalLike;
  readonly onProgress: (progress: TransferProgress) => void;
}

/** Start `run` and return its handle; `cancel()` (or `signal`) aborts it with `TransferCancelledError`. */
export function startFileTransfer(
  run: (context: FileTransferContext) => Promise<TransferResult>,
  signal?: AbortSignalLike,
): FileTransfer {
  const progress = createListeners<TransferProgress>();
  const abort = createLinkedAbort(signal);
  // Started now (an async function runs synchronously to its first await), so the run sees a
  // `cancel()` made right after this returns; a synchronous throw still becomes a rejection.
  const start = async () => run({ signal: abort.signal, onProgress: (p) => progress.emit(p) });
  const done = start().finally(() => {
    abort.release();
    progress.clear();
  });
  // The caller may never read `done` (it only listens to progress): that is not an unhandled rejection.
  done.catch(() => {});
  return {
    onProgress: (listener) => progress.add(listener),
    done,
    cancel: () => abort.abort(new TransferCancelledError('transfer cancelled')),
  };
}
