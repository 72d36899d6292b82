/**
 * The relay client's connection: one WebSocket to a lanrtc relay, logged in with the identity key,
 * exposed as a `SignalTransport` (so `createAgent` runs over it) plus rooms and presence.
 * Platform-free: the caller passes the WebSocket constructor (the browser's native one, or `ws` in
 * Node). The relay is not trusted: it can drop or reorder frames, and the envelope layer rejects
 * anything it alters.
 *
 * With `reconnect` set, a lost connection is redialled with exponential backoff and jitter, logged in
 * again with a fresh challenge, its rooms re-joined and the frames sent meanwhile flushed — behind the
 * same `messages` iterable, which only ends on `close()` or a terminal error (docs/PROTOCOL.md
 * §"Relay protocol", "Reconnecting"). This file is the state machine that ties the pieces together:
 * backoff, outbox, heartbeat, login and rooms each live in their own file next to it.
 */
import { timers } from '../../encoding/timers.js';
import { idBytesFromText } from '../../envelope/id-text.js';
import {
  InvalidArgumentError,
  LanrtcError,
  RelayError,
  RelayHandshakeError,
  TransportClosedError,
} from '../../errors.js';
import { createListeners } from '../../events.js';
import { toBase32 } from '../../identity/base32.js';
import { AsyncQueue } from '../../transport/queue.js';
import type { TransportFrame } from '../../transport/transport.js';
import { relayErrorCloses } from '../close-codes.js';
import { decodeRelayFrame, encodeRelayFrame, type RelayErrorCode, type RelayFrame } from '../frames.js';
import { reconnectDelay, reconnectPolicy, redialPointless } from './backoff.js';
import { relayEndpoint } from './endpoint.js';
import { createHeartbeat, heartbeatPolicy } from './heartbeat.js';
import { answerHello, welcomesMe } from './login.js';
import type {
  RelayClientInit,
  RelayClientState,
  RelayClientStats,
  RelayConnection,
  RelayPresence,
} from './options.js';
import { createOutbox } from './outbox.js';
import { createRoomMemberships } from './rooms.js';
import { closeQuietly, messageBytes, type RelayWebSocket, SOCKET_OPEN } from './socket.js';

/** Connect and log in; resolves once the relay has accepted the identity. */
export function connectRelay(init: RelayClientInit): Promise<RelayConnection> {
  const endpoint = relayEndpoint(init.url);
  const policy = reconnectPolicy(init.reconnect);
  const beat = heartbeatPolicy(init.heartbeat);
  const timeoutMs = init.timeoutMs ?? 10_000;
  const queue = new AsyncQueue<TransportFrame>(4096);
  const stats: RelayClientStats = {
    reconnects: 0,
    attempts: 0,
    queued: 0,
    dropped: 0,
    resent: 0,
    pings: 0,
    heartbeatTimeouts: 0,
  };
  const memberships = createRoomMemberships();
  const outbox = createOutbox(policy, stats);
  const heartbeat = createHeartbeat(beat, stats);
  let state: RelayClientState = 'connecting';
  let closeReason: RelayErrorCode | undefined;
  const stateChanges = createListeners<RelayClientState>();
  const presence = createListeners<RelayPresence>();
  const errors = createListeners<RelayError>();
  const closes = createListeners<RelayErrorCode | undefined>();
  /** The current socket; frames and events of any other (abandoned) socket are ignored. */
  let ws: RelayWebSocket | undefined;
  let loginTimer: unknown;
  let retryTimer: unknown;
  /** Failed redials in a row. */
  let failures = 0;

  return new Promise<RelayConnection>((resolve, reject) => {
    function setState(s: RelayClientState): void {
      if (state === s) return;
      state = s;
      stateChanges.emit(s);
    }

    function finish(): void {
      if (state === 'closed') return;
      const old = ws;
      ws = undefined;
      timers.clearTimeout(loginTimer);
      timers.clearTimeout(retryTimer);
      loginTimer = retryTimer = undefined;
      heartbeat.stop();
      outbox.socketLost();
      if (old) closeQuietly(old);
      outbox.close();
      setState('closed');
      queue.end();
      memberships.close();
      closes.emit(closeReason);
    }

    /** `socket` is gone: reject the first login, redial, or close for good. */
    function lost(socket: RelayWebSocket, error: Error | undefined, terminal: boolean): void {
      if (socket !== ws) return;
      ws = undefined;
      timers.clearTimeout(loginTimer);
      loginTimer = undefined;
      heartbeat.stop();
      outbox.socketLost();
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

    /** The socket to write to right now, if logged in. */
    function live(): RelayWebSocket | undefined {
      return state === 'open' && ws && ws.readyState === SOCKET_OPEN ? ws : undefined;
    }

    const connection: RelayConnection = {
      localId: init.identity.id,
      messages: queue,
      onStateChange: (listener) => stateChanges.add(listener),
      onPresence: (listener) => presence.add(listener),
      onError: (listener) => errors.add(listener),
      onClose: (listener) => closes.add(listener),
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
          outbox.enqueue(frame);
          return;
        }
        socket.send(frame);
        // Just after a re-login the recipient may not be back yet: an `unknown-recipient` sends this
        // frame again too.
        outbox.sent(frame);
      },
      join(room) {
        if (state === 'closed') return Promise.reject(new TransportClosedError('relay connection is closed'));
        return memberships.join(room, live(), !policy);
      },
      leave(room) {
        if (state === 'closed') return;
        memberships.leave(room, live());
      },
      close() {
        finish();
      },
    };

    function dial(): void {
      const socket = new init.WebSocket(init.url);
      ws = socket;
      socket.binaryType = 'arraybuffer';
      let loggedIn = false;
      /** The last fatal code this socket got: decides whether its loss is worth a redial. */
      let terminal = false;
      const fail = (error: Error, isTerminal: boolean) => lost(socket, error, isTerminal);
      loginTimer = timers.setTimeout(
        () => fail(new RelayHandshakeError('relay login timed out'), false),
        timeoutMs,
      );

      function onWelcome(): void {
        loggedIn = true;
        timers.clearTimeout(loginTimer);
        loginTimer = undefined;
        failures = 0;
        heartbeat.start(socket, (error) => {
          errors.emit(error);
          lost(socket, error, false);
        });
        if (state === 'connecting') {
          setState('open');
          resolve(connection);
          return;
        }
        stats.reconnects++;
        closeReason = undefined;
        // Re-join first so presence is restored before the queued frames (usually signalling) land.
        memberships.rejoin(socket);
        outbox.flush(socket);
        setState('open');
      }

      function onFrame(frame: RelayFrame): void {
        switch (frame.type) {
          case 'hello': {
            if (loggedIn) {
              fail(new RelayHandshakeError('second hello'), true);
              return;
            }
            let auth: Uint8Array;
            try {
              auth = answerHello(init.identity, endpoint, frame);
            } catch (cause) {
              fail(
                cause instanceof LanrtcError
                  ? cause
                  : new RelayHandshakeError('relay login failed', { cause }),
                true,
              );
              return;
            }
            socket.send(auth);
            return;
          }
          case 'welcome':
            if (loggedIn || !welcomesMe(init.identity, frame)) {
              fail(new RelayHandshakeError('unexpected welcome'), true);
              return;
            }
            onWelcome();
            return;
          case 'deliver':
            if (loggedIn) queue.push({ from: toBase32(frame.from), bytes: frame.bytes });
            return;
          case 'joined':
            memberships.joined(
              frame.room,
              frame.members.map((m) => toBase32(m)),
              (id) => presence.emit({ room: frame.room, id, present: true }),
            );
            return;
          case 'presence':
            presence.emit({ room: frame.room, id: toBase32(frame.id), present: frame.present });
            return;
          case 'pong':
            return; // liveness is any frame at all (recorded on arrival)
          case 'error': {
            const error = new RelayError(`relay error: ${frame.code}`, frame.code);
            if (frame.code === 'room-full' || frame.code === 'too-many-rooms')
              memberships.refused(frame.subject, error);
            if (frame.code === 'unknown-recipient') outbox.resend(live);
            if (relayErrorCloses(frame.code)) {
              closeReason = frame.code;
              terminal = redialPointless(frame.code);
              if (!loggedIn && state === 'connecting') {
                fail(error, terminal);
                return;
              }
            }
            errors.emit(error);
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
        heartbeat.heard();
        const bytes = messageBytes(ev.data);
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
      socket.onerror = (ev) => {
        if (loggedIn) return;
        // Node's `ws` says why on the event (a refused connection, a host that did not resolve);
        // browsers' error events carry nothing.
        const cause = typeof ev === 'object' && ev !== null && 'error' in ev ? ev.error : undefined;
        fail(
          new RelayHandshakeError('relay socket error', cause === undefined ? undefined : { cause }),
          terminal,
        );
      };
      socket.onclose = () => lost(socket, undefined, terminal);
    }

    dial();
  });
}
