/** signal-core's platform-free `AbortSignalLike` as the `AbortSignal` werift-side code expects. */
import type { AbortSignalLike } from '@lanrtc/signal-core';

/** The signal itself when it is a real `AbortSignal`, else one that aborts with it. */
export function toAbortSignal(like: AbortSignalLike | undefined): AbortSignal | undefined {
  if (like === undefined || like instanceof AbortSignal) return like;
  const controller = new AbortController();
  if (like.aborted) controller.abort(like.reason);
  else like.addEventListener('abort', () => controller.abort(like.reason));
  return controller.signal;
}
