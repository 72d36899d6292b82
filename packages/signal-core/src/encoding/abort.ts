/**
 * A platform-free stand-in for `AbortController`/`AbortSignal` (signal-core is compiled with neither
 * DOM nor Node types): the signal has the same shape as the real one, so application code can treat
 * it like an `AbortSignal`, and a real `AbortSignal` is accepted wherever an `AbortSignalLike` is.
 */

/** The part of a DOM/Node `AbortSignal` signal-core reads or hands out. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A signal and the function that aborts it (once; later calls do nothing). */
export interface AbortHandle {
  readonly signal: AbortSignalLike;
  abort(reason: unknown): void;
}

/** A fresh, not yet aborted signal; listeners run once, in the order they were added. */
export function createAbortHandle(): AbortHandle {
  const listeners = new Set<() => void>();
  let aborted = false;
  let reason: unknown;
  const signal: AbortSignalLike = {
    get aborted() {
      return aborted;
    },
    get reason() {
      return reason;
    },
    addEventListener(_type, listener) {
      if (!aborted) listeners.add(listener);
    },
    removeEventListener(_type, listener) {
      listeners.delete(listener);
    },
  };
  return {
    signal,
    abort(why) {
      if (aborted) return;
      aborted = true;
      reason = why;
      const run = [...listeners];
      listeners.clear();
      for (const listener of run) {
        try {
          listener();
        } catch {
          // A listener's failure must not keep the others from running or fail the aborting side.
        }
      }
    },
  };
}

/** The part of the platform's `AbortController` (Node ≥ 15, every browser) used here. */
interface PlatformAbortController {
  readonly signal: AbortSignalLike;
  abort(reason?: unknown): void;
}

/**
 * A real platform `AbortSignal` (so platform code may use it as one) that aborts when `parent`
 * does, with its reason, or when the returned `abort` is called; `release` stops following `parent`.
 */
export function createLinkedAbort(parent: AbortSignalLike | undefined): {
  readonly signal: AbortSignalLike;
  abort(reason: unknown): void;
  release(): void;
} {
  const Controller = (globalThis as unknown as { AbortController: new () => PlatformAbortController })
    .AbortController;
  const controller = new Controller();
  const follow = () => controller.abort(parent?.reason);
  if (parent?.aborted) follow();
  else parent?.addEventListener('abort', follow);
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    release: () => parent?.removeEventListener('abort', follow),
  };
}
