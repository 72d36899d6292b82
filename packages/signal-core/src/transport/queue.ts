/**
 * A bounded async queue that turns pushed items into an AsyncIterable — the plumbing behind
 * `SignalTransport.messages` for push-style sources (sockets, in-memory links). Overflow drops the
 * newest item and counts it, so a flooding sender costs bounded memory and nothing hangs.
 */

/** Push side plus the iterable; `end()` finishes iteration after queued items are consumed. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #limit: number;
  #waiter: ((r: IteratorResult<T>) => void) | undefined;
  #ended = false;
  #iterating = false;
  /** Items refused because the queue was full. */
  dropped = 0;

  constructor(limit = 1024) {
    this.#limit = limit;
  }

  /** Enqueue; returns false (and counts a drop) when full or ended. */
  push(item: T): boolean {
    if (this.#ended) return false;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter({ value: item, done: false });
      return true;
    }
    if (this.#items.length >= this.#limit) {
      this.dropped++;
      return false;
    }
    this.#items.push(item);
    return true;
  }

  /** No more items; iteration finishes once the queue drains. */
  end(): void {
    this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterating) throw new Error('AsyncQueue can be iterated only once');
    this.#iterating = true;
    return {
      next: () => {
        const item = this.#items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.#waiter = resolve;
        });
      },
      return: () => {
        this.end();
        this.#items.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
