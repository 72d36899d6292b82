/**
 * The client's heartbeat: browsers cannot send WebSocket pings, so the client sends `ping` frames
 * itself when the relay has been quiet, and takes a relay that leaves one unanswered as gone
 * (docs/PROTOCOL.md §"Relay protocol", heartbeat).
 */
import { timers } from '../../encoding/timers.js';
import { InvalidArgumentError, RelayUnresponsiveError } from '../../errors.js';
import { encodeRelayFrame, MAX_HEARTBEAT_SEQ } from '../frames.js';
import type { RelayClientStats } from './options.js';
import type { RelayWebSocket } from './socket.js';

/**
 * Client heartbeat (every field optional). When nothing has arrived from the relay for `intervalMs`,
 * the client sends `ping`; if still nothing has arrived `timeoutMs` after it, the relay is taken as
 * gone (`RelayUnresponsiveError` to `onError`): the socket is dropped, then redialled with `reconnect`
 * or the connection closes. So a silent relay is detected within about `intervalMs + timeoutMs`.
 */
export interface RelayHeartbeatOptions {
  /** Quiet time before a `ping` (default 15 000 ms). */
  readonly intervalMs?: number;
  /** Time a `ping` may go unanswered (default 5 000 ms). */
  readonly timeoutMs?: number;
}

/** The policy for a client's `heartbeat` option; undefined when it is off. */
export function heartbeatPolicy(
  opt: false | RelayHeartbeatOptions | undefined,
): Required<RelayHeartbeatOptions> | undefined {
  if (opt === false) return undefined;
  const p = { intervalMs: opt?.intervalMs ?? 15_000, timeoutMs: opt?.timeoutMs ?? 5_000 };
  if (!(p.intervalMs > 0) || !(p.timeoutMs > 0) || !Number.isFinite(p.intervalMs + p.timeoutMs))
    throw new InvalidArgumentError('heartbeat options out of range');
  return p;
}

/** One connection's heartbeat, moved from socket to socket as the client redials. */
export interface Heartbeat {
  /** Watch `socket`, just logged in; `onSilent` runs once if it leaves a ping unanswered. */
  start(socket: RelayWebSocket, onSilent: (error: RelayUnresponsiveError) => void): void;
  /** Anything at all arrived on the watched socket: that is liveness. */
  heard(): void;
  /** Stop watching (the socket is gone or the connection closed). */
  stop(): void;
}

/** A heartbeat for `policy` (none when undefined: `start` then does nothing), counting into `stats`. */
export function createHeartbeat(
  policy: Required<RelayHeartbeatOptions> | undefined,
  stats: Pick<RelayClientStats, 'pings' | 'heartbeatTimeouts'>,
): Heartbeat {
  let timer: unknown;
  /** Sequence numbers run on across sockets. */
  let seq = 0;
  /** When the watched socket last brought anything, and whether a ping is waiting for it. */
  let lastHeard = Date.now();
  let pingOut = false;

  function stop(): void {
    timers.clearTimeout(timer);
    timer = undefined;
  }

  function schedule(
    b: Required<RelayHeartbeatOptions>,
    tick: number,
    socket: RelayWebSocket,
    onSilent: (error: RelayUnresponsiveError) => void,
  ): void {
    timer = timers.setTimeout(() => {
      timer = undefined;
      const now = Date.now();
      if (pingOut && now - lastHeard >= b.intervalMs + b.timeoutMs) {
        stats.heartbeatTimeouts++;
        onSilent(
          new RelayUnresponsiveError(
            `relay silent for ${now - lastHeard} ms (ping unanswered)`,
            'unresponsive',
          ),
        );
        return;
      }
      if (!pingOut && now - lastHeard >= b.intervalMs) {
        pingOut = true;
        seq = seq >= MAX_HEARTBEAT_SEQ ? 0 : seq + 1;
        stats.pings++;
        try {
          socket.send(encodeRelayFrame({ type: 'ping', seq }));
        } catch {
          // A socket that cannot send is about to report its close; the deadline covers it anyway.
        }
      }
      schedule(b, tick, socket, onSilent);
    }, tick);
  }

  return {
    start(socket, onSilent) {
      stop();
      lastHeard = Date.now();
      pingOut = false;
      if (policy)
        schedule(policy, Math.max(10, Math.min(policy.intervalMs, policy.timeoutMs) / 4), socket, onSilent);
    },
    heard() {
      lastHeard = Date.now();
      pingOut = false;
    },
    stop,
  };
}
