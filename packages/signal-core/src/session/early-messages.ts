/**
 * Messages that arrive before anybody listens: a DataChannel's first message can come the instant it
 * opens, before the application (or the auth handshake) subscribed, and browsers drop messages
 * nobody listens to. Adapters hold them here, bounded, and hand them to the first listener.
 */

/** Messages of one channel that arrived before the application listened: kept in order, bounded. */
export interface EarlyMessageBuffer<M> {
  /** True until `release`: messages that arrive now have no application listener yet. */
  readonly holding: boolean;
  /** Keep a message nobody listens to yet; false (counted in `dropped`) beyond the limit. */
  hold(message: M): boolean;
  /**
   * The first application listener is attached: stop holding and hand it every held message, in
   * order, in a microtask (before any message that arrives later, which is a new task).
   */
  release(deliver: (message: M) => void): void;
  /** Stop holding and return the held messages, for a caller that delivers them itself, at once. */
  take(): M[];
  /** Messages refused because the buffer was full. */
  readonly dropped: number;
}

/** Create a buffer holding at most `limit` messages (default 1024). */
export function createEarlyMessageBuffer<M>(limit = 1024): EarlyMessageBuffer<M> {
  let held: M[] = [];
  let holding = true;
  let dropped = 0;
  function take(): M[] {
    holding = false;
    const batch = held;
    held = [];
    return batch;
  }
  return {
    get holding() {
      return holding;
    },
    get dropped() {
      return dropped;
    },
    hold(message) {
      if (!holding) return false;
      if (held.length >= limit) {
        dropped++;
        return false;
      }
      held.push(message);
      return true;
    },
    release(deliver) {
      const batch = take();
      if (batch.length === 0) return;
      void Promise.resolve().then(() => {
        for (const m of batch) deliver(m);
      });
    },
    take,
  };
}
