/**
 * A scripted in-memory relay for the relay client's tests (reconnect, heartbeat): `up` decides
 * whether dials connect; it answers auth, join and ping like the real one, unless `silent` (a frozen
 * relay: the socket stays open, nothing comes back).
 */
import { vi } from 'vitest';
import { idBytesFromText } from '../../src/envelope/id-text.js';
import { toBase32 } from '../../src/identity/base32.js';
import { type Identity, publicIdentity } from '../../src/identity/identity.js';
import { connectRelay } from '../../src/relay/client/connect.js';
import type { RelayClientInit, RelayClientState, RelayConnection } from '../../src/relay/client/options.js';
import type { RelayWebSocket } from '../../src/relay/client/socket.js';
import { decodeRelayFrame, encodeRelayFrame, type RelayFrame } from '../../src/relay/frames.js';

export const URL = 'ws://relay.test:1/';

/** A scripted relay: `up` decides whether dials connect; it answers auth and join like the real one. */
export class FakeRelay {
  up = true;
  authOk = true;
  /** Frozen: frames from clients are recorded but never answered (a half-open or stopped relay). */
  silent = false;
  readonly sockets: FakeSocket[] = [];
  /** Client → relay frames, with the index of the socket they came on. */
  readonly received: { socket: number; frame: RelayFrame }[] = [];
  readonly challenges: Uint8Array[] = [];
  readonly members = new Map<string, Uint8Array[]>();
  /** Recipients not logged in (yet): sends to them get `unknown-recipient`. */
  readonly absent = new Set<string>();
  get ctor() {
    const relay = this;
    return class extends FakeSocket {
      constructor(url: string) {
        super(relay, url);
      }
    };
  }
  get current(): FakeSocket {
    return this.sockets.at(-1) as FakeSocket;
  }
}

export class FakeSocket implements RelayWebSocket {
  binaryType = 'blob';
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readonly index: number;
  constructor(
    readonly relay: FakeRelay,
    readonly url: string,
  ) {
    this.index = relay.sockets.push(this) - 1;
    // Like a real socket, events come after the constructor returns.
    setTimeout(() => (relay.up ? this.accept() : this.refuse()), 1);
  }
  accept(): void {
    this.readyState = 1;
    this.onopen?.({});
    const challenge = new Uint8Array(32).map(() => Math.floor(Math.random() * 256));
    this.relay.challenges.push(challenge);
    this.deliver({
      type: 'hello',
      challenge,
      endpoint: 'relay.test:1',
      maxPayload: 66_624,
      heartbeatMs: 20_000,
    });
  }
  refuse(): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code: 1006, reason: '' });
  }
  deliver(frame: RelayFrame): void {
    if (this.readyState !== 1) return;
    const bytes = encodeRelayFrame(frame);
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  }
  /** The relay ends the socket, optionally after an error frame. */
  drop(code?: Extract<RelayFrame, { type: 'error' }>['code']): void {
    if (this.readyState !== 1) return;
    if (code) this.deliver({ type: 'error', code, subject: '', detail: '' });
    this.readyState = 3;
    this.onclose?.({ code: 1001, reason: '' });
  }
  send(data: Uint8Array): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    const frame = decodeRelayFrame(data);
    this.relay.received.push({ socket: this.index, frame });
    if (this.relay.silent) return;
    if (frame.type === 'auth') {
      if (this.relay.authOk)
        this.deliver({
          type: 'welcome',
          id: idBytesFromText(publicIdentity(frame.publicKey).id) as Uint8Array,
        });
      else this.drop('auth-failed');
    } else if (frame.type === 'send' && this.relay.absent.has(toBase32(frame.to))) {
      this.deliver({ type: 'error', code: 'unknown-recipient', subject: '', detail: '' });
    } else if (frame.type === 'ping') {
      this.deliver({ type: 'pong', seq: frame.seq });
    } else if (frame.type === 'join') {
      this.deliver({ type: 'joined', room: frame.room, members: this.relay.members.get(frame.room) ?? [] });
    }
  }
  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    // A microtask, not a timer: the timer count after close() is the client's alone.
    queueMicrotask(() => this.onclose?.({ code: 1000, reason: '' }));
  }
}

/** Connect `me` through `relay` (reconnect on, 100 ms – 1 s, no heartbeat) and let the login finish. */
export async function connect(
  me: Identity,
  relay: FakeRelay,
  extra: Partial<RelayClientInit> = {},
  on: {
    presence?: Parameters<RelayConnection['onPresence']>[0];
    error?: Parameters<RelayConnection['onError']>[0];
  } = {},
): Promise<{ conn: RelayConnection; states: RelayClientState[]; closes: unknown[] }> {
  const closes: unknown[] = [];
  const pending = connectRelay({
    url: URL,
    identity: me,
    WebSocket: relay.ctor,
    reconnect: { initialMs: 100, maxMs: 1_000 },
    heartbeat: false, // its own tests turn it on; the timer counts elsewhere are the reconnect logic's
    ...extra,
  });
  await vi.advanceTimersByTimeAsync(1);
  const conn = await pending;
  // The state at subscription first (`open`: the first login's outcome is the promise), then every change.
  const states: RelayClientState[] = [conn.state];
  conn.onStateChange((s) => states.push(s));
  conn.onClose((r) => closes.push(r));
  if (on.presence) conn.onPresence(on.presence);
  if (on.error) conn.onError(on.error);
  return { conn, states, closes };
}
