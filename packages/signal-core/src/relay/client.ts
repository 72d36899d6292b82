/**
 * Relay client: one WebSocket to a lanrtc relay, logged in with the identity key, exposed as a
 * `SignalTransport` (so `createAgent` runs over it) plus rooms and presence. Platform-free: the caller
 * passes the WebSocket constructor (the browser's native one, or `ws` in Node). The relay is not
 * trusted: it can drop or reorder frames, and the envelope layer rejects anything it alters.
 *
 * With `reconnect` set, a lost connection is redialled with exponential backoff and jitter, logged in
 * again with a fresh challenge, its rooms re-joined and the frames sent meanwhile flushed — behind the
 * same `messages` iterable, which only ends on `close()` or a terminal error (docs/PROTOCOL.md
 * §"Relay protocol", "Reconnecting").
 */

import { randomBytes } from '@noble/hashes/utils.js';
import { timers } from '../encoding/timers.js';
import { idBytesFromText } from '../envelope/id-text.js';
import {
  InvalidArgumentError,
  LanrtcError,
  RelayError,
  RelayHandshakeError,
  RelayUnresponsiveError,
  TransportClosedError,
} from '../errors.js';
import { toBase32 } from '../identity/base32.js';
import type { Identity } from '../identity/identity.js';
import { AsyncQueue } from '../transport/queue.js';
import type { SignalTransport, TransportFrame } from '../transport/transport.js';
import { signRelayChallenge } from './auth.js';
import {
  decodeRelayFrame,
  encodeRelayFrame,
  MAX_HEARTBEAT_SEQ,
  type RelayErrorCode,
  type RelayFrame,
} from './frames.js';

/**
 * An event-handler property type, checked bivariantly like a method: the DOM declares
 * `onopen(ev: Event)`, `ws` its own event classes, and both must fit without casts.
 */
type EventHandler<E> = { bivarianceHack(ev: E): void }['bivarianceHack'];

/** The part of the WHATWG WebSocket API the client uses (browsers' native one and `ws` both have it). */
export interface RelayWebSocket {
  binaryType: string;
  readonly readyState: number;
  onopen: EventHandler<unknown> | null;
  onmessage: EventHandler<{ data: unknown }> | null;
  onclose: EventHandler<{ code: number; reason: string }> | null;
  onerror: EventHandler<unknown> | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor. */
export type RelayWebSocketConstructor = new (url: string) => RelayWebSocket;

/** Where a relay connection is: logging in the first time, logged in, redialling, or finished. */
export type RelayClientState = 'connecting' | 'open' | 'reconnecting' | 'closed';

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

/** Counters of a relay connection (they only grow). */
export interface RelayClientStats {
  /** Successful re-logins after a lost connection. */
  reconnects: number;
  /** Redial attempts started (successful or not). */
  attempts: number;
  /** Frames `send()` buffered while disconnected. */
  queued: number;
  /** Buffered frames dropped: the oldest on overflow, or all left when the connection closed for good. */
  dropped: number;
  /** Flushed frames sent again because the relay did not know a recipient yet (see `connectRelay`). */
  resent: number;
  /** Heartbeat `ping`s sent. */
  pings: number;
  /** Times the relay went silent past the heartbeat deadline. */
  heartbeatTimeouts: number;
}

/** Options for `connectRelay`. */
export interface RelayClientInit {
  /** `ws://host:port/` of the relay. */
  readonly url: string;
  readonly identity: Identity;
  readonly WebSocket: RelayWebSocketConstructor;
  /** Login deadline, for the first login and each re-login (default 10 000 ms). */
  readonly timeoutMs?: number;
  /**
   * Redial a lost connection (default off: the connection closes for good, as before). `true` uses
   * the defaults of `RelayReconnectOptions`. The first login is never retried: `connectRelay` rejects.
   */
  readonly reconnect?: boolean | RelayReconnectOptions;
  /** Detect a relay that stopped answering (default on, see `RelayHeartbeatOptions`); `false` turns it off. */
  readonly heartbeat?: false | RelayHeartbeatOptions;
  /** The connection changed state (`connecting` is the initial state and is not reported). */
  readonly onStateChange?: (state: RelayClientState) => void;
  /** Somebody entered or left a room this client is in (after a re-join, each member is reported present). */
  readonly onPresence?: (event: { room: string; id: string; present: boolean }) => void;
  /** A non-fatal error frame (e.g. `unknown-recipient`, `rate-limited`), or a fatal one after login. */
  readonly onError?: (error: RelayError) => void;
  /** The relay connection ended for good; `reason` is the relay's error code when it said why. */
  readonly onClose?: (reason: RelayErrorCode | undefined) => void;
}

/** A logged-in relay connection: a `SignalTransport` plus rooms. */
export interface RelayConnection extends SignalTransport {
  /** Enter a room; resolves with the ids already in it (not including mine). */
  join(room: string): Promise<string[]>;
  /** Leave a room (no answer from the relay). */
  leave(room: string): void;
  /** Why the relay ended the connection, once it has (the code of its last fatal error frame). */
  readonly closeReason: RelayErrorCode | undefined;
  /** Current state. */
  readonly state: RelayClientState;
  /** Reconnect and buffering counters. */
  readonly stats: Readonly<RelayClientStats>;
}

const OPEN = 1;
/** Error codes after which the relay closes the socket. */
const FATAL: ReadonlySet<RelayErrorCode> = new Set([
  'malformed-frame',
  'unsupported-version',
  'not-authenticated',
  'auth-failed',
  'frame-too-large',
  'replaced',
  'idle-timeout',
  'slow-consumer',
  'shutting-down',
  'server-full',
  'auth-timeout',
]);
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

/** Re-send rounds of a flush whose recipient the relay did not know yet, and how long after the flush. */
const MAX_RESEND_ROUNDS = 4;
const RESEND_WINDOW_MS = 10_000;

/** The `host[:port]` authority of a ws:// or wss:// URL, lower-cased (what the relay binds the login to). */
export function relayEndpoint(url: string): string {
  const m = /^wss?:\/\/([^/?#]+)/i.exec(url);
  if (!m?.[1]) throw new InvalidArgumentError('relay url must be ws:// or wss://');
  return m[1].toLowerCase();
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

interface Policy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly maxAttempts: number;
  readonly maxQueuedFrames: number;
}

function reconnectPolicy(opt: RelayClientInit['reconnect']): Policy | undefined {
  if (!opt) return undefined;
  const o: RelayReconnectOptions = opt === true ? {} : opt;
  const p: Policy = {
    initialMs: o.initialMs ?? 250,
    maxMs: o.maxMs ?? 10_000,
    maxAttempts: o.maxAttempts ?? Number.POSITIVE_INFINITY,
    maxQueuedFrames: o.maxQueuedFrames ?? 256,
  };
  if (!(p.initialMs > 0) || !(p.maxMs >= p.initialMs) || !(p.maxAttempts >= 0) || !(p.maxQueuedFrames >= 0))
    throw new InvalidArgumentError('reconnect options out of range');
  return p;
}

function heartbeatPolicy(opt: RelayClientInit['heartbeat']): Required<RelayHeartbeatOptions> | undefined {
  if (opt === false) return undefined;
  const p = { intervalMs: opt?.intervalMs ?? 15_000, timeoutMs: opt?.timeoutMs ?? 5_000 };
  if (!(p.intervalMs > 0) || !(p.timeoutMs > 0) || !Number.isFinite(p.intervalMs + p.timeoutMs))
    throw new InvalidArgumentError('heartbeat options out of range');
  return p;
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

type JoinWaiter = { resolve(ids: string[]): void; reject(e: Error): void };

/** Connect and log in; resolves once the relay has accepted the identity. */
export function connectRelay(init: RelayClientInit): Promise<RelayConnection> {
  const endpoint = relayEndpoint(init.url);
  const policy = reconnectPolicy(init.reconnect);
  const beat = heartbeatPolicy(init.heartbeat);
  const timeoutMs = init.timeoutMs ?? 10_000;
  const queue = new AsyncQueue<TransportFrame>(4096);
  const joins = new Map<string, JoinWaiter[]>();
  /** Rooms to be in: re-joined after every re-login. */
  const rooms = new Set<string>();
  /** Frames sent while disconnected, flushed after the next login. */
  const outbox: Uint8Array[] = [];
  const stats: RelayClientStats = {
    reconnects: 0,
    attempts: 0,
    queued: 0,
    dropped: 0,
    resent: 0,
    pings: 0,
    heartbeatTimeouts: 0,
  };
  /**
   * The buffer flushed by the latest re-login, plus the frames sent in the `RESEND_WINDOW_MS` after
   * it. A relay restart drops every client at once and the peer may log in again after me, so the
   * relay answers `unknown-recipient` to frames meant for it; those frames are sent again a few times
   * (envelopes are replay-protected, so a copy the peer did get is rejected as a replay, harmlessly).
   */
  let flushed: Uint8Array[] = [];
  let flushedAt = 0;
  let resendRounds = 0;
  let resendTimer: unknown;
  let state: RelayClientState = 'connecting';
  let closeReason: RelayErrorCode | undefined;
  /** The current socket; frames and events of any other (abandoned) socket are ignored. */
  let ws: RelayWebSocket | undefined;
  let loginTimer: unknown;
  let retryTimer: unknown;
  let heartbeatTimer: unknown;
  let heartbeatSeq = 0;
  /** Failed redials in a row. */
  let failures = 0;

  return new Promise<RelayConnection>((resolve, reject) => {
    function setState(s: RelayClientState): void {
      if (state === s) return;
      state = s;
      init.onStateChange?.(s);
    }

    function finish(): void {
      if (state === 'closed') return;
      const old = ws;
      ws = undefined;
      timers.clearTimeout(loginTimer);
      timers.clearTimeout(retryTimer);
      timers.clearTimeout(resendTimer);
      timers.clearTimeout(heartbeatTimer);
      loginTimer = retryTimer = resendTimer = heartbeatTimer = undefined;
      flushed = [];
      if (old) closeQuietly(old);
      stats.dropped += outbox.length;
      outbox.length = 0;
      setState('closed');
      queue.end();
      for (const waiting of joins.values())
        for (const w of waiting) w.reject(new TransportClosedError('relay connection closed'));
      joins.clear();
      init.onClose?.(closeReason);
    }

    /** `socket` is gone: reject the first login, redial, or close for good. */
    function lost(socket: RelayWebSocket, error: Error | undefined, terminal: boolean): void {
      if (socket !== ws) return;
      ws = undefined;
      timers.clearTimeout(loginTimer);
      timers.clearTimeout(resendTimer);
      timers.clearTimeout(heartbeatTimer);
      loginTimer = resendTimer = heartbeatTimer = undefined;
      flushed = [];
      closeQuietly(socket);
      if (state === 'connecting') {
        reject(
          error ??
            new RelayHandshakeError(`relay closed the connection${closeReason ? `: ${closeReason}` : ''}`),
        );
        finish();
        return;
      }
      if (!policy || terminal || failures >= policy.maxAttempts) {
        finish();
        return;
      }
      setState('reconnecting');
      const delay = reconnectDelay(failures, policy);
      failures++;
      retryTimer = timers.setTimeout(() => {
        retryTimer = undefined;
        stats.attempts++;
        dial();
      }, delay);
    }

    function enqueue(frame: Uint8Array): void {
      if (!policy) throw new TransportClosedError('relay connection is closed');
      if (policy.maxQueuedFrames === 0) {
        stats.dropped++;
        return;
      }
      if (outbox.length >= policy.maxQueuedFrames) {
        outbox.shift();
        stats.dropped++;
      }
      outbox.push(frame);
      stats.queued++;
    }

    /** The socket to write to right now, if logged in. */
    function live(): RelayWebSocket | undefined {
      return state === 'open' && ws && ws.readyState === OPEN ? ws : undefined;
    }

    const connection: RelayConnection = {
      localId: init.identity.id,
      messages: queue,
      get closeReason() {
        return closeReason;
      },
      get state() {
        return state;
      },
      stats,
      async send(to, bytes) {
        if (state === 'closed') throw new TransportClosedError('relay connection is closed');
        const id = idBytesFromText(to);
        if (!id) throw new InvalidArgumentError('recipient is not an identity id');
        const frame = encodeRelayFrame({ type: 'send', to: id, bytes });
        const socket = live();
        if (!socket) {
          enqueue(frame);
          return;
        }
        socket.send(frame);
        // Just after a re-login the recipient may not be back yet: kept with the flush, so an
        // `unknown-recipient` sends this frame again too (bounded like the outbox).
        if (flushedAt !== 0 && Date.now() - flushedAt <= RESEND_WINDOW_MS && policy) {
          if (flushed.length >= policy.maxQueuedFrames) flushed.shift();
          if (policy.maxQueuedFrames > 0) flushed.push(frame);
        }
      },
      join(room) {
        if (state === 'closed') return Promise.reject(new TransportClosedError('relay connection is closed'));
        let frame: Uint8Array;
        try {
          frame = encodeRelayFrame({ type: 'join', room });
        } catch (e) {
          return Promise.reject(e);
        }
        const socket = live();
        if (!socket && !policy) return Promise.reject(new TransportClosedError('relay connection is closed'));
        return new Promise<string[]>((res, rej) => {
          const list = joins.get(room) ?? [];
          list.push({ resolve: res, reject: rej });
          joins.set(room, list);
          rooms.add(room);
          // While disconnected the join goes out with the re-joins after the next login.
          socket?.send(frame);
        });
      },
      leave(room) {
        if (state === 'closed') return;
        rooms.delete(room);
        const socket = live();
        if (socket) {
          socket.send(encodeRelayFrame({ type: 'leave', room }));
          return;
        }
        // Never sent: nobody will answer these joins.
        for (const w of joins.get(room) ?? []) w.reject(new TransportClosedError('left the room'));
        joins.delete(room);
      },
      close() {
        finish();
      },
    };

    /** After `unknown-recipient`, send the last flush again (backoff, bounded rounds and window). */
    function resendFlushed(): void {
      if (!policy || resendTimer !== undefined || flushed.length === 0) return;
      if (resendRounds >= MAX_RESEND_ROUNDS || Date.now() - flushedAt > RESEND_WINDOW_MS) {
        flushed = [];
        return;
      }
      resendTimer = timers.setTimeout(
        () => {
          resendTimer = undefined;
          resendRounds++;
          const socket = live();
          if (!socket) return;
          const batch = flushed;
          stats.resent += batch.length;
          for (const frame of batch) socket.send(frame);
        },
        policy.initialMs * 2 ** resendRounds,
      );
    }

    function dial(): void {
      const socket = new init.WebSocket(init.url);
      ws = socket;
      socket.binaryType = 'arraybuffer';
      let loggedIn = false;
      /** When this socket last brought anything, and whether a ping is waiting for it. */
      let lastHeard = Date.now();
      let pingOut = false;
      /** The last fatal code this socket got: decides whether its loss is worth a redial. */
      let terminal = false;
      const fail = (error: Error, isTerminal: boolean) => lost(socket, error, isTerminal);
      loginTimer = timers.setTimeout(
        () => fail(new RelayHandshakeError('relay login timed out'), false),
        timeoutMs,
      );

      /** Ping a quiet relay; drop it when the ping goes unanswered (see `RelayHeartbeatOptions`). */
      function heartbeat(b: Required<RelayHeartbeatOptions>, tick: number): void {
        heartbeatTimer = timers.setTimeout(() => {
          heartbeatTimer = undefined;
          if (socket !== ws) return;
          const now = Date.now();
          if (pingOut && now - lastHeard >= b.intervalMs + b.timeoutMs) {
            stats.heartbeatTimeouts++;
            const error = new RelayUnresponsiveError(
              `relay silent for ${now - lastHeard} ms (ping unanswered)`,
              'unresponsive',
            );
            init.onError?.(error);
            lost(socket, error, false);
            return;
          }
          if (!pingOut && now - lastHeard >= b.intervalMs) {
            pingOut = true;
            heartbeatSeq = heartbeatSeq >= MAX_HEARTBEAT_SEQ ? 0 : heartbeatSeq + 1;
            stats.pings++;
            try {
              socket.send(encodeRelayFrame({ type: 'ping', seq: heartbeatSeq }));
            } catch {
              // A socket that cannot send is about to report its close; the deadline covers it anyway.
            }
          }
          heartbeat(b, tick);
        }, tick);
      }

      function onWelcome(): void {
        loggedIn = true;
        timers.clearTimeout(loginTimer);
        loginTimer = undefined;
        failures = 0;
        lastHeard = Date.now();
        if (beat) heartbeat(beat, Math.max(10, Math.min(beat.intervalMs, beat.timeoutMs) / 4));
        if (state === 'connecting') {
          setState('open');
          resolve(connection);
          return;
        }
        stats.reconnects++;
        closeReason = undefined;
        // Re-join first so presence is restored before the queued frames (usually signalling) land.
        for (const room of rooms) socket.send(encodeRelayFrame({ type: 'join', room }));
        flushed = outbox.splice(0);
        flushedAt = Date.now();
        resendRounds = 0;
        for (const frame of flushed) socket.send(frame);
        setState('open');
      }

      function onFrame(frame: RelayFrame): void {
        switch (frame.type) {
          case 'hello': {
            if (loggedIn) {
              fail(new RelayHandshakeError('second hello'), true);
              return;
            }
            // The relay names the endpoint it believes it was reached at; signing only for the one I
            // dialled stops a man in the middle from logging in elsewhere with my answer.
            if (frame.endpoint !== endpoint) {
              fail(new RelayHandshakeError('relay endpoint mismatch'), true);
              return;
            }
            // A fresh challenge on every (re)login: nothing from an earlier login is reused.
            const signature = signRelayChallenge(init.identity, frame.challenge, endpoint);
            socket.send(encodeRelayFrame({ type: 'auth', publicKey: init.identity.publicKey, signature }));
            return;
          }
          case 'welcome':
            if (loggedIn || toBase32(frame.id) !== init.identity.id) {
              fail(new RelayHandshakeError('unexpected welcome'), true);
              return;
            }
            onWelcome();
            return;
          case 'deliver':
            if (loggedIn) queue.push({ from: toBase32(frame.from), bytes: frame.bytes });
            return;
          case 'joined': {
            const members = frame.members.map((m) => toBase32(m));
            const w = joins.get(frame.room)?.shift();
            if (w) w.resolve(members);
            // An answer to an automatic re-join: who is there now (presence missed while away).
            else for (const id of members) init.onPresence?.({ room: frame.room, id, present: true });
            return;
          }
          case 'presence':
            init.onPresence?.({ room: frame.room, id: toBase32(frame.id), present: frame.present });
            return;
          case 'pong':
            return; // liveness is any frame at all (recorded on arrival)
          case 'error': {
            const error = new RelayError(`relay error: ${frame.code}`, frame.code);
            if (frame.code === 'room-full' || frame.code === 'too-many-rooms') {
              joins.get(frame.subject)?.shift()?.reject(error);
              if (!joins.get(frame.subject)?.length) rooms.delete(frame.subject);
            }
            if (frame.code === 'unknown-recipient') resendFlushed();
            if (FATAL.has(frame.code)) {
              closeReason = frame.code;
              terminal = TERMINAL.has(frame.code);
              if (!loggedIn && state === 'connecting') {
                fail(error, terminal);
                return;
              }
            }
            init.onError?.(error);
            return;
          }
          default:
            // Client-to-relay frame types coming from the relay are a protocol violation.
            fail(new RelayHandshakeError(`unexpected ${frame.type} frame from relay`), true);
            return;
        }
      }

      socket.onmessage = (ev) => {
        if (socket !== ws) return;
        lastHeard = Date.now();
        pingOut = false;
        const bytes = toBytes(ev.data);
        if (!bytes) {
          fail(new RelayHandshakeError('relay sent a text frame'), true);
          return;
        }
        let frame: RelayFrame;
        try {
          frame = decodeRelayFrame(bytes);
        } catch (cause) {
          fail(
            cause instanceof LanrtcError
              ? cause
              : new RelayHandshakeError('undecodable relay frame', { cause }),
            true,
          );
          return;
        }
        onFrame(frame);
      };
      socket.onerror = () => {
        if (!loggedIn) fail(new RelayHandshakeError('relay socket error'), terminal);
      };
      socket.onclose = () => lost(socket, undefined, terminal);
    }

    dial();
  });
}

function closeQuietly(ws: RelayWebSocket): void {
  try {
    ws.close(1000);
  } catch {
    // Closing a socket that never opened throws in some runtimes; it is closed either way.
  }
}
