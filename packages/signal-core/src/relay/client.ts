/**
 * Relay client: one WebSocket to a lanrtc relay, logged in with the identity key, exposed as a
 * `SignalTransport` (so `createAgent` runs over it) plus rooms and presence. Platform-free: the caller
 * passes the WebSocket constructor (the browser's native one, or `ws` in Node). The relay is not
 * trusted: it can drop or reorder frames, and the envelope layer rejects anything it alters.
 */

import { timers } from '../encoding/timers.js';
import { idBytesFromText } from '../envelope/id-text.js';
import {
  InvalidArgumentError,
  LanrtcError,
  RelayError,
  RelayHandshakeError,
  TransportClosedError,
} from '../errors.js';
import { toBase32 } from '../identity/base32.js';
import type { Identity } from '../identity/identity.js';
import { AsyncQueue } from '../transport/queue.js';
import type { SignalTransport, TransportFrame } from '../transport/transport.js';
import { signRelayChallenge } from './auth.js';
import { decodeRelayFrame, encodeRelayFrame, type RelayErrorCode, type RelayFrame } from './frames.js';

/** The part of the WHATWG WebSocket API the client uses (browsers' native one and `ws` both have it). */
export interface RelayWebSocket {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor. */
export type RelayWebSocketConstructor = new (url: string) => RelayWebSocket;

/** Options for `connectRelay`. */
export interface RelayClientInit {
  /** `ws://host:port/` of the relay. */
  readonly url: string;
  readonly identity: Identity;
  readonly WebSocket: RelayWebSocketConstructor;
  /** Login deadline (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** Somebody entered or left a room this client is in. */
  readonly onPresence?: (event: { room: string; id: string; present: boolean }) => void;
  /** A non-fatal error frame (e.g. `unknown-recipient`, `rate-limited`). */
  readonly onError?: (error: RelayError) => void;
  /** The relay connection ended; `reason` is the relay's error code when it said why. */
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

/** The `host[:port]` authority of a ws:// or wss:// URL, lower-cased (what the relay binds the login to). */
export function relayEndpoint(url: string): string {
  const m = /^wss?:\/\/([^/?#]+)/i.exec(url);
  if (!m?.[1]) throw new InvalidArgumentError('relay url must be ws:// or wss://');
  return m[1].toLowerCase();
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/** Connect and log in; resolves once the relay has accepted the identity. */
export function connectRelay(init: RelayClientInit): Promise<RelayConnection> {
  const endpoint = relayEndpoint(init.url);
  const ws = new init.WebSocket(init.url);
  ws.binaryType = 'arraybuffer';
  const queue = new AsyncQueue<TransportFrame>(4096);
  const joins = new Map<string, { resolve(ids: string[]): void; reject(e: Error): void }[]>();
  let closed = false;
  let closeReason: RelayErrorCode | undefined;
  let loggedIn = false;

  return new Promise<RelayConnection>((resolve, reject) => {
    const timer = timers.setTimeout(
      () => fail(new RelayHandshakeError('relay login timed out')),
      init.timeoutMs ?? 10_000,
    );

    function finish(): void {
      if (closed) return;
      closed = true;
      timers.clearTimeout(timer);
      queue.end();
      for (const waiting of joins.values())
        for (const w of waiting) w.reject(new TransportClosedError('relay connection closed'));
      joins.clear();
      init.onClose?.(closeReason);
    }
    function fail(error: Error): void {
      if (!loggedIn) reject(error);
      try {
        ws.close(1000);
      } catch {
        // Closing a socket that never opened throws in some runtimes; it is closed either way.
      }
      finish();
    }

    const connection: RelayConnection = {
      localId: init.identity.id,
      messages: queue,
      get closeReason() {
        return closeReason;
      },
      async send(to, bytes) {
        if (closed || ws.readyState !== OPEN) throw new TransportClosedError('relay connection is closed');
        const id = idBytesFromText(to);
        if (!id) throw new InvalidArgumentError('recipient is not an identity id');
        ws.send(encodeRelayFrame({ type: 'send', to: id, bytes }));
      },
      join(room) {
        if (closed) return Promise.reject(new TransportClosedError('relay connection is closed'));
        let frame: Uint8Array;
        try {
          frame = encodeRelayFrame({ type: 'join', room });
        } catch (e) {
          return Promise.reject(e);
        }
        return new Promise<string[]>((res, rej) => {
          const list = joins.get(room) ?? [];
          list.push({ resolve: res, reject: rej });
          joins.set(room, list);
          ws.send(frame);
        });
      },
      leave(room) {
        if (closed) return;
        ws.send(encodeRelayFrame({ type: 'leave', room }));
      },
      close() {
        if (closed) return;
        ws.close(1000);
        finish();
      },
    };

    function onFrame(frame: RelayFrame): void {
      switch (frame.type) {
        case 'hello': {
          if (loggedIn) {
            fail(new RelayHandshakeError('second hello'));
            return;
          }
          // The relay names the endpoint it believes it was reached at; signing only for the one I
          // dialled stops a man in the middle from logging in elsewhere with my answer.
          if (frame.endpoint !== endpoint) {
            fail(new RelayHandshakeError('relay endpoint mismatch'));
            return;
          }
          const signature = signRelayChallenge(init.identity, frame.challenge, endpoint);
          ws.send(encodeRelayFrame({ type: 'auth', publicKey: init.identity.publicKey, signature }));
          return;
        }
        case 'welcome':
          if (loggedIn || toBase32(frame.id) !== init.identity.id) {
            fail(new RelayHandshakeError('unexpected welcome'));
            return;
          }
          loggedIn = true;
          timers.clearTimeout(timer);
          resolve(connection);
          return;
        case 'deliver':
          if (loggedIn) queue.push({ from: toBase32(frame.from), bytes: frame.bytes });
          return;
        case 'joined': {
          const w = joins.get(frame.room)?.shift();
          w?.resolve(frame.members.map((m) => toBase32(m)));
          return;
        }
        case 'presence':
          init.onPresence?.({ room: frame.room, id: toBase32(frame.id), present: frame.present });
          return;
        case 'error': {
          const error = new RelayError(`relay error: ${frame.code}`, frame.code);
          if (frame.code === 'room-full' || frame.code === 'too-many-rooms') {
            joins.get(frame.subject)?.shift()?.reject(error);
          }
          if (FATAL.has(frame.code)) {
            closeReason = frame.code;
            if (!loggedIn) {
              fail(error);
              return;
            }
          }
          init.onError?.(error);
          return;
        }
        default:
          // Client-to-relay frame types coming from the relay are a protocol violation.
          fail(new RelayHandshakeError(`unexpected ${frame.type} frame from relay`));
          return;
      }
    }

    ws.onmessage = (ev) => {
      const bytes = toBytes(ev.data);
      if (!bytes) {
        fail(new RelayHandshakeError('relay sent a text frame'));
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
        );
        return;
      }
      onFrame(frame);
    };
    ws.onerror = () => {
      if (!loggedIn) fail(new RelayHandshakeError('relay socket error'));
    };
    ws.onclose = () => {
      if (!loggedIn)
        reject(
          new RelayHandshakeError(`relay closed the connection${closeReason ? `: ${closeReason}` : ''}`),
        );
      finish();
    };
  });
}
