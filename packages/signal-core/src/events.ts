/**
 * The one event style of lanrtc's public API: `onX(listener)` subscribes and returns the function
 * that unsubscribes. A listener that throws does not stop the others; its error goes to `onError`.
 */

/** Stops a subscription; calling it again does nothing. */
export type Unsubscribe = () => void;

/** A set of listeners for one event. */
export interface Listeners<T> {
  /** Subscribe; returns the unsubscribe function. */
  add(listener: (value: T) => void): Unsubscribe;
  /** Call every listener subscribed now with `value`. */
  emit(value: T): void;
  /** How many listeners are subscribed. */
  readonly size: number;
  /** Drop every listener. */
  clear(): void;
}

/** Create an empty listener set; `onError` receives what a listener throws (default: ignored). */
export function createListeners<T>(onError?: (error: unknown) => void): Listeners<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener) {
      // A wrapper per subscription: subscribing the same function twice gives two subscriptions.
      const entry = (value: T) => listener(value);
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    emit(value) {
      for (const listener of [...listeners]) {
        try {
          listener(value);
        } catch (error) {
          onError?.(error);
        }
      }
    },
    get size() {
      return listeners.size;
    },
    clear() {
      listeners.clear();
    },
  };
}

/**
 * Listeners for values that must not be lost when nobody listens yet (incoming connections): up to
 * `max` values are held and given to the first subscriber; beyond that the oldest goes to `drop`
 * (e.g. closed), never an unbounded queue.
 */
export function createHeldListeners<T>(
  max: number,
  drop: (value: T) => void,
  onError?: (error: unknown) => void,
): Listeners<T> & { /** Values held now, which `clear` hands to `drop`. */ readonly held: number } {
  const inner = createListeners<T>(onError);
  const held: T[] = [];
  return {
    add(listener) {
      const off = inner.add(listener);
      // Delivered after `add` returns, so a listener may unsubscribe itself with what `add` returned.
      if (held.length > 0) {
        void Promise.resolve().then(() => {
          for (const value of held.splice(0)) this.emit(value);
        });
      }
      return off;
    },
    emit(value) {
      if (inner.size > 0) return inner.emit(value);
      held.push(value);
      if (held.length > max) drop(held.shift() as T);
    },
    get size() {
      return inner.size;
    },
    get held() {
      return held.length;
    },
    clear() {
      inner.clear();
      for (const value of held.splice(0)) drop(value);
    },
  };
}
