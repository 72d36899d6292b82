/**
 * A session's inbox: verified envelopes waiting for the step that consumes them. Unlike the
 * transport queue it is pulled one item at a time with a deadline, and it can be failed: whoever
 * learns that the session is over (its peer's bye, the peer connection ending, close) fails the
 * inbox and every waiter rejects with that error. Timers are always cleared, so nothing keeps the
 * process alive.
 */
import { timers } from '../encoding/timers.js';
import { type LanrtcError, TransportClosedError } from '../errors.js';

interface Waiter<T> {
  resolve(item: T): void;
  reject(error: LanrtcError): void;
}

/** Bounded pull queue with deadlines and failure. */
export class Inbox<T> {
  readonly #items: T[] = [];
  readonly #limit: number;
  readonly #waiters = new Set<Waiter<T>>();
  readonly #racers = new Set<(error: LanrtcError) => void>();
  readonly #onEnd: (() => void)[] = [];
  #error: LanrtcError | undefined;
  /** Items refused because the inbox was full or over. */
  dropped = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Deliver an item to the oldest waiter, or queue it; false (counted) when full or over. */
  push(item: T): boolean {
    if (this.#error) return false;
    const [waiter] = this.#waiters;
    if (waiter) {
      this.#waiters.delete(waiter);
      waiter.resolve(item);
      return true;
    }
    if (this.#items.length >= this.#limit) {
      this.dropped++;
      return false;
    }
    this.#items.push(item);
    return true;
  }

  /** The next item; rejects with the failure, or with `onTimeout()` after `timeoutMs`. */
  take(timeoutMs: number, onTimeout: () => LanrtcError): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift() as T);
    return this.#wait<T>(
      (w) => this.#waiters.add(w),
      (w) => this.#waiters.delete(w),
      timeoutMs,
      onTimeout,
    );
  }

  /** Settle with `promise`, unless the inbox fails or `timeoutMs` passes first. */
  race<R>(promise: Promise<R>, timeoutMs: number, onTimeout: () => LanrtcError): Promise<R> {
    // If the inbox already failed, `promise` is never awaited below: keep its rejection handled.
    promise.catch(() => {});
    // Racers only listen for failure; they are kept apart from the waiters `push` delivers to, so
    // an item can never be handed to a racer and lost.
    let racer: ((error: LanrtcError) => void) | undefined;
    return this.#wait<R>(
      (w) => {
        racer = w.reject;
        this.#racers.add(racer);
        promise.then(w.resolve, w.reject as (e: unknown) => void);
      },
      () => {
        if (racer) this.#racers.delete(racer);
      },
      timeoutMs,
      onTimeout,
    );
  }

  /** End the inbox with `error`: every current and future waiter rejects with it. */
  fail(error: LanrtcError): void {
    if (this.#error) return;
    this.#error = error;
    this.#items.length = 0;
    for (const w of this.#waiters) w.reject(error);
    this.#waiters.clear();
    for (const reject of this.#racers) reject(error);
    this.#racers.clear();
    for (const cb of this.#onEnd.splice(0)) cb();
  }

  /** End normally (the session is over). */
  end(): void {
    this.fail(new TransportClosedError('session ended'));
  }

  /** Run `cb` once when the inbox ends or fails. */
  onEnd(cb: () => void): void {
    if (this.#error) cb();
    else this.#onEnd.push(cb);
  }

  #wait<R>(
    arm: (w: Waiter<R>) => void,
    disarm: (w: Waiter<R>) => void,
    timeoutMs: number,
    onTimeout: () => LanrtcError,
  ): Promise<R> {
    if (this.#error) return Promise.reject(this.#error);
    return new Promise<R>((resolve, reject) => {
      let timer: unknown;
      const w: Waiter<R> = {
        resolve: (v) => {
          if (timer !== undefined) timers.clearTimeout(timer);
          disarm(w);
          resolve(v);
        },
        reject: (e) => {
          if (timer !== undefined) timers.clearTimeout(timer);
          disarm(w);
          reject(e);
        },
      };
      if (Number.isFinite(timeoutMs)) timer = timers.setTimeout(() => w.reject(onTimeout()), timeoutMs);
      arm(w);
    });
  }
}
