/**
 * When a lost relay connection is redialled: the options, their defaults, the jittered exponential
 * delay, and the error codes after which a redial is pointless (docs/PROTOCOL.md §"Reconnecting").
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { InvalidArgumentError } from '../../errors.js';
import type { RelayErrorCode } from '../frames.js';

/** Backoff and buffering for a reconnecting relay client (every field optional). */
export interface RelayReconnectOptions {
  /** Ceiling of the first retry delay (default 250 ms); each failed attempt doubles it. */
  readonly initialMs?: number;
  /** Largest retry delay (default 10 000 ms). */
  readonly maxMs?: number;
  /** Give up (state `closed`) after this many failed attempts in a row (default: never). */
  readonly maxAttempts?: number;
  /** Frames `send()` buffers while disconnected; beyond it the oldest is dropped and counted (default 256). */
  readonly maxQueuedFrames?: number;
}

/** `RelayReconnectOptions` with the defaults filled in and checked. */
export interface ReconnectPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly maxAttempts: number;
  readonly maxQueuedFrames: number;
}

/** The policy for a client's `reconnect` option; undefined when it does not redial. */
export function reconnectPolicy(
  opt: boolean | RelayReconnectOptions | undefined,
): ReconnectPolicy | undefined {
  if (!opt) return undefined;
  const o: RelayReconnectOptions = opt === true ? {} : opt;
  const p: ReconnectPolicy = {
    initialMs: o.initialMs ?? 250,
    maxMs: o.maxMs ?? 10_000,
    maxAttempts: o.maxAttempts ?? Number.POSITIVE_INFINITY,
    maxQueuedFrames: o.maxQueuedFrames ?? 256,
  };
  if (!(p.initialMs > 0) || !(p.maxMs >= p.initialMs) || !(p.maxAttempts >= 0) || !(p.maxQueuedFrames >= 0))
    throw new InvalidArgumentError('reconnect options out of range');
  return p;
}

/**
 * Delay before redial number `attempt` (0-based): "equal jitter" backoff — half of
 * min(maxMs, initialMs·2^attempt) fixed plus up to the other half at random, so clients a relay
 * restart dropped together do not all come back in the same millisecond. `random` is in [0, 1).
 */
export function reconnectDelay(
  attempt: number,
  opts: { readonly initialMs: number; readonly maxMs: number },
  random: number = randomFraction(),
): number {
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + (random * ceiling) / 2;
}

function randomFraction(): number {
  const b = randomBytes(4);
  return (
    ((b[0] as number) * 2 ** 24 + (b[1] as number) * 2 ** 16 + (b[2] as number) * 2 ** 8 + (b[3] as number)) /
    2 ** 32
  );
}

/**
 * Fatal codes a redial would only repeat (a refused key, a protocol mismatch) or must not fight
 * (`replaced`: the same identity logged in elsewhere; redialling would evict that one in turn).
 */
const TERMINAL: ReadonlySet<RelayErrorCode> = new Set([
  'malformed-frame',
  'unsupported-version',
  'not-authenticated',
  'auth-failed',
  'frame-too-large',
  'replaced',
]);

/** True when a connection the relay closed with this code must not be redialled. */
export function redialPointless(code: RelayErrorCode): boolean {
  return TERMINAL.has(code);
}
