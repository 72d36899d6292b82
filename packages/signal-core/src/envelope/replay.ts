/**
 * Anti-replay for envelopes, per (sender id, session id): the sliding-window check of RFC 4303
 * §3.4.3 (IPsec ESP), kept as a ring bitmap (RFC 6479 §2) so any window size costs one bit per
 * counter. Counters inside the window may arrive in any order; a duplicate, or a counter that has
 * fallen behind the window, is rejected. Memory is bounded: the least recently used sessions are
 * evicted once `maxEntries` is reached.
 *
 * Eviction forgets a session's window, so an envelope of an evicted session could be accepted again;
 * `openEnvelope`'s timestamp check (default 60 s) bounds that, and `maxEntries` should exceed the
 * number of sessions a process sees in that time.
 */
import { toHex } from '../encoding/bytes.js';
import { InvalidArgumentError, ReplayedEnvelopeError } from '../errors.js';

/** Options of `createReplayGuard`. */
export interface ReplayGuardInit {
  /** Window size in counters (RFC 4303 §3.4.3 recommends ≥ 32, default 64). */
  readonly window?: number;
  /** Sessions remembered at once before the least recently used is evicted (default 4096). */
  readonly maxEntries?: number;
}

/** Per-(sender, session) record of accepted envelope counters. */
export interface ReplayGuard {
  /** True when `counter` would be accepted now; records nothing. */
  check(senderId: string, session: Uint8Array, counter: number): boolean;
  /**
   * Record `counter` as seen; throws `ReplayedEnvelopeError` for a duplicate or a counter older
   * than the window. Call only for authenticated envelopes, so forgeries cannot fill the window.
   */
  accept(senderId: string, session: Uint8Array, counter: number): void;
  /** Drop the state of one session (e.g. after `bye`). */
  forget(senderId: string, session: Uint8Array): void;
  /** Number of sessions currently remembered. */
  readonly size: number;
}

interface Window {
  top: number;
  readonly seen: Uint8Array; // one bit per counter, indexed by counter mod window
}

const DEFAULT_WINDOW = 64;
const DEFAULT_MAX_ENTRIES = 4096;

/** Create an in-memory replay guard (RFC 4303 §3.4.3 sliding window, LRU-bounded). */
export function createReplayGuard(init: ReplayGuardInit = {}): ReplayGuard {
  const size = init.window ?? DEFAULT_WINDOW;
  const maxEntries = init.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isSafeInteger(size) || size < 1 || size > 1 << 20)
    throw new InvalidArgumentError('replay window must be an integer in 1..2^20');
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
    throw new InvalidArgumentError('replay maxEntries must be a positive integer');
  // Map iteration order is insertion order: re-inserting on use makes the first key the LRU one.
  const windows = new Map<string, Window>();

  const keyOf = (senderId: string, session: Uint8Array): string => `${senderId}/${toHex(session)}`;
  const getBit = (w: Window, c: number): boolean => {
    const i = c % size;
    return ((w.seen[i >> 3] as number) & (1 << (i & 7))) !== 0;
  };
  const setBit = (w: Window, c: number, on: boolean): void => {
    const i = c % size;
    const mask = 1 << (i & 7);
    w.seen[i >> 3] = on ? (w.seen[i >> 3] as number) | mask : (w.seen[i >> 3] as number) & ~mask;
  };
  const verdict = (w: Window | undefined, counter: number): 'ok' | 'duplicate' | 'old' => {
    if (!w || counter > w.top) return 'ok';
    if (w.top - counter >= size) return 'old';
    return getBit(w, counter) ? 'duplicate' : 'ok';
  };
  const assertCounter = (counter: number): void => {
    if (!Number.isSafeInteger(counter) || counter < 0)
      throw new InvalidArgumentError('counter must be a non-negative safe integer');
  };

  return {
    check(senderId, session, counter) {
      assertCounter(counter);
      return verdict(windows.get(keyOf(senderId, session)), counter) === 'ok';
    },
    accept(senderId, session, counter) {
      assertCounter(counter);
      const key = keyOf(senderId, session);
      let w = windows.get(key);
      const v = verdict(w, counter);
      if (v === 'duplicate') throw new ReplayedEnvelopeError('envelope counter already seen in this session');
      if (v === 'old') throw new ReplayedEnvelopeError('envelope counter is behind the replay window');
      if (w) {
        windows.delete(key);
      } else {
        if (windows.size >= maxEntries) {
          const lru = windows.keys().next();
          if (!lru.done) windows.delete(lru.value);
        }
        w = { top: counter, seen: new Uint8Array(Math.ceil(size / 8)) };
      }
      windows.set(key, w);
      if (counter > w.top) {
        // Slide: counters between the old top and the new one become unseen slots.
        const shift = Math.min(counter - w.top, size);
        for (let i = 1; i <= shift; i++) setBit(w, w.top + i, false);
        w.top = counter;
      }
      setBit(w, counter, true);
    },
    forget(senderId, session) {
      windows.delete(keyOf(senderId, session));
    },
    get size() {
      return windows.size;
    },
  };
}
