/**
 * The platform-free half of every `AuthPort` adapter: a DataChannel reduced to "send bytes, on
 * message, on close" becomes an `AuthPort` that holds what arrives before `runDirectAuth`
 * subscribes (the peer sends its hello the moment the channel opens; a browser drops messages
 * nobody listens to), capped so a peer cannot make it buffer without bound (the rest is counted), passes text messages on
 * as their UTF-8 bytes (which no auth message decodes as) and stops sending once the channel closed.
 * The Node (werift) and browser (`RTCDataChannel`) adapters only map their events onto `AuthChannel`.
 */
import { utf8 } from '../encoding/bytes.js';
import type { AuthPort } from './auth-types.js';

/** Most messages held while no listener is subscribed (the protocol's first flight is one hello). */
export const AUTH_PORT_MAX_HELD = 16;

/** A DataChannel as the auth port sees it; each `on…` returns its unsubscribe. */
export interface AuthChannel {
  /** Send one binary message (only called while the channel is not known to be closed). */
  send(bytes: Uint8Array): void;
  /** Every incoming message: binary as bytes, text as a string. */
  onMessage(listener: (data: Uint8Array | string) => void): () => void;
  /** The channel (or the connection under it) closed or failed; may fire more than once. */
  onClose(listener: () => void): () => void;
  /** True if the channel is already closing or closed when it is wrapped. */
  readonly closed?: boolean;
}

/** An `AuthPort` that knows whether its channel closed and can be detached from it. */
export interface ChannelAuthPort extends AuthPort {
  /** True once the channel closed (close listeners have been or are about to be called). */
  readonly closed: boolean;
  /** Messages dropped because `maxHeld` were already held while no listener was subscribed. */
  readonly dropped: number;
  /**
   * Stop listening to the channel and drop every listener (the channel stays as it is); returns the
   * messages still held, in order — after a successful auth run, what the peer sent next, for the
   * renegotiation that takes the channel over (`startDirectRenegotiation`'s `pending`).
   */
  dispose(): Uint8Array[];
}

/**
 * Wrap `channel`: while no message listener is subscribed, messages are held (at most `maxHeld`, the
 * rest dropped) and the next listener receives them at once; otherwise they go to the listeners
 * subscribed at the time. A close listener added after the close is called asynchronously.
 */
export function channelAuthPort(channel: AuthChannel, maxHeld = AUTH_PORT_MAX_HELD): ChannelAuthPort {
  let held: Uint8Array[] = [];
  let dropped = 0;
  const hold = (bytes: Uint8Array) => {
    if (held.length >= maxHeld) dropped += 1;
    else held.push(bytes);
  };
  const take = () => {
    const batch = held;
    held = [];
    return batch;
  };
  const messageListeners = new Set<(bytes: Uint8Array) => void>();
  const closeListeners = new Set<() => void>();
  let closed = channel.closed === true;
  const offMessage = channel.onMessage((data) => {
    const bytes = typeof data === 'string' ? utf8(data) : data;
    // Held while nobody listens: before the auth run subscribes, and between the auth run and the
    // renegotiation that takes the channel over after it.
    if (messageListeners.size === 0) {
      hold(bytes);
      return;
    }
    for (const l of [...messageListeners]) l(bytes);
  });
  const offClose = channel.onClose(() => {
    if (closed) return;
    closed = true;
    for (const l of [...closeListeners]) l();
  });
  return {
    get closed() {
      return closed;
    },
    get dropped() {
      return dropped;
    },
    send(bytes) {
      if (!closed) channel.send(bytes);
    },
    onMessage(listener) {
      messageListeners.add(listener);
      // Before `onMessage` returns (not in a microtask like `release`): the held hello is handled
      // before anything the subscriber does next.
      for (const bytes of take()) listener(bytes);
      return () => {
        messageListeners.delete(listener);
      };
    },
    onClose(listener) {
      closeListeners.add(listener);
      if (closed) void Promise.resolve().then(() => closeListeners.has(listener) && listener());
      return () => {
        closeListeners.delete(listener);
      };
    },
    dispose() {
      offMessage();
      offClose();
      messageListeners.clear();
      closeListeners.clear();
      return take();
    },
    unread(messages) {
      // Ahead of anything held since; a listener subscribed meanwhile gets them now.
      if (messageListeners.size === 0) held = [...messages, ...held];
      else for (const bytes of messages) for (const l of [...messageListeners]) l(bytes);
    },
  };
}
